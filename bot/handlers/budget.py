"""Handlers for spend and the ledger, daily metrics and the report."""

from __future__ import annotations

from bot import watch
from bot.cards import Reply
from bot.env import Env
from bot.handlers import common
from bot.presenters import budget as view
from bot.presenters import report as report_view
from domain import authz
from domain import commands as c
from domain.audit import AuditAction
from domain.errors import InvalidInput
from domain.ledger import SpendEntry
from domain.metrics import DailyMetric


def spend(cmd: c.RecordSpend, env: Env) -> Reply:
    campaign = common.open_campaign(env, cmd.campaign)
    authz.require("budget spend", env.actor.member, authz.RECORD_SPEND, campaign)
    common.check_currency(env, cmd.amount)
    entry = env.uow.ledger.add(SpendEntry(env.workspace_id, campaign.pk, cmd.amount, cmd.note, env.actor.user,
                                          env.now))
    common.audit(env, campaign.ref, AuditAction.BUDGET_SPENT, campaign.pk, amount=cmd.amount.format(), comment=cmd.note)
    watch.check_budget(env.uow, env.actor.workspace, campaign, env.now, env.deps.settings)
    return Reply(view.spend_recorded(campaign, entry, common.ledger(env, campaign), env.lang), public=True)


def show(cmd: c.ShowBudget, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    entries = env.uow.ledger.for_campaign(campaign.pk)
    requests = env.uow.approvals.for_campaign(campaign.pk)
    return Reply(view.ledger_card(campaign, common.ledger(env, campaign), entries, requests, env.today,
                                  env.actor.tz, env.lang))


def metrics(cmd: c.RecordMetrics, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    authz.require("metrics", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    day = cmd.day or env.today
    if day > env.today:
        raise InvalidInput("date", "future_date", value=day.isoformat())
    existing = env.uow.metrics.get(campaign.pk, day, cmd.channel)
    base = existing or DailyMetric(env.workspace_id, campaign.pk, day, cmd.channel)
    row = base.merged(cmd.figures)
    env.uow.metrics.put(row)
    common.audit(env, campaign.ref, AuditAction.METRICS_RECORDED, campaign.pk, day=day.isoformat(), channel=cmd.channel)
    watch.after_ingest(env.uow, env.actor.workspace, campaign, [day], env.now, env.deps.settings)
    return Reply(report_view.metrics_recorded(campaign, row, env.lang), public=False)


def report(cmd: c.Report, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    rows = env.uow.metrics.for_campaign(campaign.pk)
    tasks = env.uow.tasks.for_campaign(campaign.pk)
    return Reply(report_view.report_card(campaign, rows, common.ledger(env, campaign), tasks, env.today, env.lang))
