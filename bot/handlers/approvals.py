"""Handlers for budget requests and their approval: open, approve, reject, withdraw, list. Who hears of them is
the reactions' business (bot/reactions/approvals.py)."""

from __future__ import annotations

from bot.approvals import approval_card, approvers
from bot.cards import Card, Reply
from bot.env import Env
from bot.handlers import common
from bot.i18n import tr
from bot.presenters import approvals as view
from domain import authz
from domain import commands as c
from domain import events as e
from domain.approval import ApprovalRequest, ApprovalStatus, check_staffed
from domain.audit import AuditAction
from domain.campaign import Campaign
from domain.people import Role


def _card(env: Env, r: ApprovalRequest, campaign: Campaign, with_buttons: bool = False) -> Card:
    """The card as the actor reads it."""
    return approval_card(env.uow, env.actor.workspace, env.now, r, campaign, env.lang, with_buttons)


def request(cmd: c.RequestBudget, env: Env) -> Reply:
    campaign = common.open_campaign(env, cmd.campaign)
    authz.require("budget request", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    common.check_currency(env, cmd.amount)
    steps = env.deps.policy.steps_for(cmd.amount.amount)
    holders = {role: {m.user_ref for m in env.uow.members.holders(env.workspace_id, role)} for role in Role}
    check_staffed(steps, holders, env.actor.user)
    r = env.uow.approvals.add(ApprovalRequest(
        workspace_id=env.workspace_id, campaign_id=campaign.pk, requester=env.actor.user, amount=cmd.amount,
        reason=cmd.reason, steps=steps, created_at=env.now))
    common.audit(env, r.ref, AuditAction.APPROVAL_REQUESTED, campaign.pk, amount=r.amount.format(), comment=r.reason)
    env.record(e.ApprovalRequested(r, campaign))
    card = _card(env, r, campaign)
    names = ", ".join(f"<@{u}>" for u in approvers(env.uow, r))
    return Reply(Card(title=tr(env.lang, "title.request_opened", title=card.title), tone=card.tone,
                      fields=card.fields, footer=tr(env.lang, "hint.request_opened", approvers=names),
                      entity=r.ref))


def approve(cmd: c.Approve, env: Env) -> Reply:
    r = common.request(env, cmd.request)
    campaign = common.campaign(env, r.campaign_id)
    decision = r.approve(env.actor.user, env.actor.member.roles, cmd.comment, env.now)
    env.uow.approvals.save(r)
    common.audit(env, r.ref, AuditAction.APPROVAL_APPROVED, campaign.pk, step=decision.step + 1,
                 comment=decision.comment)
    if r.status is ApprovalStatus.APPROVED:
        common.audit(env, campaign.ref, AuditAction.BUDGET_APPROVED, campaign.pk, amount=r.amount.format(),
                     request=r.ref)
    env.record(e.ApprovalDecided(r, campaign, decision))
    return Reply(_card(env, r, campaign))


def reject(cmd: c.Reject, env: Env) -> Reply:
    r = common.request(env, cmd.request)
    campaign = common.campaign(env, r.campaign_id)
    decision = r.reject(env.actor.user, env.actor.member.roles, cmd.reason, env.now)
    env.uow.approvals.save(r)
    common.audit(env, r.ref, AuditAction.APPROVAL_REJECTED, campaign.pk, step=decision.step + 1,
                 comment=decision.comment)
    env.record(e.ApprovalDecided(r, campaign, decision))
    return Reply(_card(env, r, campaign))


def withdraw(cmd: c.Withdraw, env: Env) -> Reply:
    r = common.request(env, cmd.request)
    campaign = common.campaign(env, r.campaign_id)
    r.withdraw(env.actor.user, env.now)
    env.uow.approvals.save(r)
    common.audit(env, r.ref, AuditAction.APPROVAL_WITHDRAWN, campaign.pk)
    env.record(e.ApprovalWithdrawn(r, campaign))
    return Reply(_card(env, r, campaign))


def show(env: Env, number: int) -> Reply:
    r = common.request(env, number)
    campaign = common.campaign(env, r.campaign_id)
    card = _card(env, r, campaign, with_buttons=r.may_decide(env.actor.user, env.actor.member.roles))
    trail = view.trail(env.uow.audit.for_entity(r.ref), env.actor.tz, env.lang)
    return Reply(Card(title=card.title, tone=card.tone, fields=card.fields, sections=(*card.sections, trail),
                      buttons=card.buttons, entity=card.entity))


def list_(cmd: c.ListApprovals, env: Env) -> Reply:
    status = None if cmd.scope == "all" else ApprovalStatus.PENDING
    found = env.uow.approvals.list(env.workspace_id, status)
    if cmd.scope == "mine":
        found = [r for r in found if r.may_decide(env.actor.user, env.actor.member.roles)]
    items = [(r, common.campaign(env, r.campaign_id)) for r in sorted(found, key=lambda r: r.created_at)]
    title = tr(env.lang, f"title.approvals_{cmd.scope}")
    return Reply(view.approval_list(title, items, env.today, env.lang))
