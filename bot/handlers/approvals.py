"""Handlers for budget requests and their approval: open, approve, reject, withdraw, list."""

from __future__ import annotations

from bot.cards import Card, Reply
from bot.env import Env
from bot.handlers import common
from bot.i18n import tr
from bot.notify import tell, to_channel, update_copies
from bot.presenters import approvals as view
from domain import authz
from domain import commands as c
from domain.approval import ApprovalRequest, ApprovalStatus, check_staffed
from domain.audit import AuditAction
from domain.campaign import Campaign
from domain.notifications import AlertKind
from domain.people import Role


def _card(env: Env, r: ApprovalRequest, campaign: Campaign, lang: str, with_buttons: bool = True) -> Card:
    ledger = common.ledger(env, campaign)
    return view.approval_card(r, campaign, ledger, ledger.pacing(campaign.days(), env.today),
                              env.actor.workspace.tz, lang, with_buttons)


def approval_view(env: Env, r: ApprovalRequest, campaign: Campaign, lang: str) -> Card:
    """The decision card with its buttons, as the approvers get it (also used by the SLA reminders)."""
    return _card(env, r, campaign, lang)


def approvers(env: Env, r: ApprovalRequest) -> list[str]:
    role = r.current_role
    if role is None:
        return []
    holders = env.uow.members.holders(env.workspace_id, role)
    return sorted(m.user_ref for m in holders if r.may_decide(m.user_ref, m.roles))


def announce_step(env: Env, r: ApprovalRequest, campaign: Campaign) -> None:
    """The current step's approvers each get a card with Approve / Reject, by direct message."""
    step = f"step{r.current_step + 1}"
    tell(env, approvers(env, r), AlertKind.APPROVAL_PENDING.value, lambda lang: _card(env, r, campaign, lang),
         r.ref, step)


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
    announce_step(env, r, campaign)
    summary = _card(env, r, campaign, env.actor.workspace.lang, with_buttons=False)
    to_channel(env.uow, env.actor.workspace, campaign.home_channel, AlertKind.APPROVAL_PENDING.value, summary,
               r.ref, "summary", env.now)
    card = _card(env, r, campaign, env.lang, with_buttons=False)
    names = ", ".join(f"<@{u}>" for u in approvers(env, r))
    return Reply(Card(title=tr(env.lang, "title.request_opened", title=card.title), tone=card.tone,
                      fields=card.fields, footer=tr(env.lang, "hint.request_opened", approvers=names),
                      entity=r.ref))


def _after_decision(env: Env, r: ApprovalRequest, campaign: Campaign, outcome: str) -> Reply:
    """Every copy shows the outcome without buttons; the requester hears; the next step's approvers get theirs."""
    update_copies(env, r.ref, lambda lang: _card(env, r, campaign, lang, with_buttons=False), r.version)
    tell(env, [r.requester], AlertKind.APPROVAL_DECIDED.value,
         lambda lang: _card(env, r, campaign, lang, with_buttons=False), r.ref, f"{outcome}:{len(r.decisions)}")
    if r.status is ApprovalStatus.PENDING:
        announce_step(env, r, campaign)
    return Reply(_card(env, r, campaign, env.lang, with_buttons=False))


def approve(cmd: c.Approve, env: Env) -> Reply:
    r = common.request(env, cmd.request)
    campaign = common.campaign(env, r.campaign_id)
    decision = r.approve(env.actor.user, env.actor.member.roles, cmd.comment, env.now)
    env.uow.approvals.save(r)
    common.audit(env, r.ref, AuditAction.APPROVAL_APPROVED, campaign.id, step=decision.step + 1,
                 comment=decision.comment)
    if r.status is ApprovalStatus.APPROVED:
        common.audit(env, campaign.ref, AuditAction.BUDGET_APPROVED, campaign.id, amount=r.amount.format(),
                     request=r.ref)
    return _after_decision(env, r, campaign, "approved")


def reject(cmd: c.Reject, env: Env) -> Reply:
    r = common.request(env, cmd.request)
    campaign = common.campaign(env, r.campaign_id)
    decision = r.reject(env.actor.user, env.actor.member.roles, cmd.reason, env.now)
    env.uow.approvals.save(r)
    common.audit(env, r.ref, AuditAction.APPROVAL_REJECTED, campaign.id, step=decision.step + 1,
                 comment=decision.comment)
    return _after_decision(env, r, campaign, "rejected")


def withdraw(cmd: c.Withdraw, env: Env) -> Reply:
    r = common.request(env, cmd.request)
    campaign = common.campaign(env, r.campaign_id)
    r.withdraw(env.actor.user, env.now)
    env.uow.approvals.save(r)
    common.audit(env, r.ref, AuditAction.APPROVAL_WITHDRAWN, campaign.id)
    update_copies(env, r.ref, lambda lang: _card(env, r, campaign, lang, with_buttons=False), r.version)
    return Reply(_card(env, r, campaign, env.lang, with_buttons=False))


def show(env: Env, number: int) -> Reply:
    r = common.request(env, number)
    campaign = common.campaign(env, r.campaign_id)
    card = _card(env, r, campaign, env.lang, with_buttons=r.may_decide(env.actor.user, env.actor.member.roles))
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
