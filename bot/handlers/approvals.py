"""Handlers for budget requests and their approval: open, approve (adding a signer), reject, return, withdraw, show,
list. Who hears of them is the reactions' business (bot/reactions/approvals.py)."""

from __future__ import annotations

from bot import approvals as desk
from bot.cards import Card, Reply
from bot.env import Env
from bot.handlers import closing, common
from bot.i18n import tr
from bot.presenters import approvals as view
from domain import authz
from domain import commands as c
from domain import events as e
from domain.approval import ApprovalRequest, ApprovalStatus, Decision, Signer, Step, check_staffed
from domain.attachments import merged
from domain.audit import AuditAction
from domain.campaign import Campaign
from domain.money import Money
from domain.people import Role


def card(env: Env, r: ApprovalRequest, campaign: Campaign, with_buttons: bool = False) -> Card:
    """The card as the actor reads it."""
    return desk.approval_card(env.uow, env.actor.workspace, env.now, r, campaign, env.lang, with_buttons)


def load(env: Env, number: int) -> tuple[ApprovalRequest, Campaign]:
    r = common.request(env, number)
    return r, common.campaign(env, r.campaign_id)


def covering(env: Env) -> tuple[Signer, ...]:
    """The colleagues away whom the actor covers today."""
    return desk.covering(env.uow, env.actor.workspace, env.actor.user, env.now)


def policy_steps(env: Env, amount: Money, requester: str) -> tuple[Step, ...]:
    """The policy's steps for the amount, refused when a step could get no approver of its own."""
    roles = env.deps.policy.steps_for(amount.amount)
    holders = {role: {m.user_ref for m in env.uow.members.holders(env.workspace_id, role)} for role in Role}
    check_staffed(roles, holders, requester)
    return tuple(Step(role) for role in roles)


def request(cmd: c.RequestBudget, env: Env) -> Reply:
    campaign = common.open_campaign(env, cmd.campaign)
    authz.require("budget request", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    common.check_currency(env, cmd.amount)
    steps = policy_steps(env, cmd.amount, env.actor.user)
    r = env.uow.approvals.add(ApprovalRequest(
        workspace_id=env.workspace_id, campaign_id=campaign.pk, requester=env.actor.user, amount=cmd.amount,
        reason=cmd.reason, steps=steps, created_at=env.now,
        attachments=merged((), (*cmd.attachments, *env.actor.files))))
    common.audit(env, r.ref, AuditAction.APPROVAL_REQUESTED, campaign.pk, amount=r.amount.format(), comment=r.reason)
    env.record(e.ApprovalRequested(r, campaign))
    shown = card(env, r, campaign)
    names = ", ".join(f"<@{u}>" for u in desk.approvers(env.uow, env.actor.workspace, r, env.now))
    return Reply(Card(title=tr(env.lang, "title.request_opened", title=shown.title), tone=shown.tone,
                      fields=shown.fields, footer=tr(env.lang, "hint.request_opened", approvers=names),
                      entity=r.ref, links=shown.links))


def _decided(env: Env, r: ApprovalRequest, campaign: Campaign, decision: Decision, action: AuditAction) -> Reply:
    """Store a decision with its trail, and tell whoever should hear (the reactions)."""
    env.uow.approvals.save(r)
    common.audit(env, r.ref, action, campaign.pk, step=decision.step + 1, comment=decision.comment,
                 on_behalf=decision.on_behalf)
    if decision.added:
        common.audit(env, r.ref, AuditAction.APPROVAL_SIGNER_ADDED, campaign.pk, step=decision.step + 2,
                     to=decision.added)
    if r.status is ApprovalStatus.APPROVED:
        common.audit(env, campaign.ref, AuditAction.BUDGET_APPROVED, campaign.pk, amount=r.amount.format(),
                     request=r.ref)
    env.record(e.ApprovalDecided(r, campaign, decision))
    return Reply(card(env, r, campaign))


def approve(cmd: c.Approve, env: Env) -> Reply:
    r, campaign = load(env, cmd.request)
    closing.decidable(r, campaign)
    r.expect(cmd.stage)
    if cmd.add:
        env.txn.member(env.actor.workspace, cmd.add)  # a member from now on, so the step's card can reach them
    decision = r.approve(env.actor.user, env.actor.member.roles, cmd.comment, env.now, covering=covering(env),
                         add=cmd.add)
    return _decided(env, r, campaign, decision, AuditAction.APPROVAL_APPROVED)


def reject(cmd: c.Reject, env: Env) -> Reply:
    r, campaign = load(env, cmd.request)
    closing.decidable(r, campaign)
    r.expect(cmd.stage)
    decision = r.reject(env.actor.user, env.actor.member.roles, cmd.reason, env.now, covering=covering(env))
    return _decided(env, r, campaign, decision, AuditAction.APPROVAL_REJECTED)


def return_(cmd: c.ReturnRequest, env: Env) -> Reply:
    r, campaign = load(env, cmd.request)
    closing.decidable(r, campaign)
    r.expect(cmd.stage)
    decision = r.return_(env.actor.user, env.actor.member.roles, cmd.reason, env.now, covering=covering(env))
    return _decided(env, r, campaign, decision, AuditAction.APPROVAL_RETURNED)


def withdraw(cmd: c.Withdraw, env: Env) -> Reply:
    r, campaign = load(env, cmd.request)
    r.withdraw(env.actor.user, env.now)
    env.uow.approvals.save(r)
    common.audit(env, r.ref, AuditAction.APPROVAL_WITHDRAWN, campaign.pk)
    env.record(e.ApprovalWithdrawn(r, campaign))
    return Reply(card(env, r, campaign))


def may_decide(env: Env, r: ApprovalRequest) -> bool:
    return desk.may_decide(env.uow, env.actor.workspace, env.actor.member, r, env.now)


def show(env: Env, number: int) -> Reply:
    r, campaign = load(env, number)
    shown = card(env, r, campaign, with_buttons=may_decide(env, r))
    trail = view.trail(env.uow.audit.for_entity(r.ref), env.actor.tz, env.lang)
    return Reply(Card(title=shown.title, tone=shown.tone, fields=shown.fields, sections=(*shown.sections, trail),
                      buttons=shown.buttons, entity=shown.entity, footer=shown.footer, links=shown.links))


def list_(cmd: c.ListApprovals, env: Env) -> Reply:
    status = None if cmd.scope == "all" else ApprovalStatus.PENDING
    found = env.uow.approvals.list(env.workspace_id, status)
    if cmd.scope == "mine":
        found = [r for r in found if may_decide(env, r)]
    items = [(r, common.campaign(env, r.campaign_id)) for r in sorted(found, key=lambda r: r.created_at)]
    title = tr(env.lang, f"title.approvals_{cmd.scope}")
    return Reply(view.approval_list(title, items, env.today, env.lang))
