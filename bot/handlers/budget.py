"""Handlers for spend and the budget ledger, and the scan behind the budget alerts."""

from __future__ import annotations

from bot.cards import Reply
from bot.env import Env, Txn
from bot.handlers import common
from bot.ledgers import check_thresholds
from bot.presenters import budget as view
from domain import authz
from domain import commands as c
from domain import events as e
from domain.audit import AuditAction
from domain.campaign import OPEN
from domain.errors import InvalidInput
from domain.ledger import SpendEntry


def spend(cmd: c.RecordSpend, env: Env) -> Reply:
    campaign = common.open_campaign(env, cmd.campaign)
    authz.require("budget spend", env.actor.member, authz.RECORD_SPEND, campaign)
    common.check_currency(env, cmd.amount)
    if cmd.amount.amount < 0:
        recorded = common.ledger(env, campaign).spent_entries
        if recorded.amount + cmd.amount.amount < 0:  # spent never goes below zero
            raise InvalidInput("amount", "correction_too_large", ref=campaign.ref, recorded=recorded.format(),
                               value=cmd.amount.format())
    entry = env.uow.ledger.add(SpendEntry(env.workspace_id, campaign.pk, cmd.amount, cmd.note, env.actor.user,
                                          env.now))
    action = AuditAction.BUDGET_CORRECTED if entry.is_correction else AuditAction.BUDGET_SPENT
    common.audit(env, campaign.ref, action, campaign.pk, amount=cmd.amount.format(), comment=cmd.note,
                 entry=entry.id)
    env.record(e.SpendRecorded(campaign, entry))
    return Reply(view.spend_recorded(campaign, entry, common.ledger(env, campaign), env.lang), public=True)


def show(cmd: c.ShowBudget, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    entries = env.uow.ledger.for_campaign(campaign.pk)
    requests = env.uow.approvals.for_campaign(campaign.pk)
    return Reply(view.ledger_card(campaign, common.ledger(env, campaign), entries, requests, env.today,
                                  env.actor.tz, env.lang))


def scan(cmd: c.ScanBudgets, txn: Txn) -> None:
    """The safety net behind the budget alerts: every open campaign of every workspace; keys keep each once."""
    for workspace in txn.uow.workspaces.all():
        for campaign in txn.uow.campaigns.list(workspace.pk, OPEN):
            check_thresholds(txn, campaign)
