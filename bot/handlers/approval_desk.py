"""Handlers for the approval desk's moves besides deciding: revise a returned request, hand a step to a colleague,
copy people in, urge the approvers, and name a delegate while away (part of `settings`)."""

from __future__ import annotations

from dataclasses import replace

from bot import approvals as desk
from bot.cards import Reply
from bot.env import Env
from bot.handlers import common
from bot.handlers.approvals import card, covering, load, policy_steps
from bot.i18n import tr
from bot.presenters import fmt
from domain import authz
from domain import commands as c
from domain import events as e
from domain.approval import URGE_EVERY
from domain.attachments import merged
from domain.audit import AuditAction
from domain.errors import InvalidInput, NothingNew


def revise(cmd: c.ReviseRequest, env: Env) -> Reply:
    """Resubmit a returned request: the steps for the new amount, from step 1; the old round stays in the trail."""
    r, campaign = load(env, cmd.request)
    if not campaign.is_open:
        raise InvalidInput("campaign", "closed_campaign", ref=campaign.ref, status=campaign.status.value)
    amount = cmd.amount or r.amount
    common.check_currency(env, amount)
    before = r.amount
    more = (*cmd.attachments, *env.actor.files)
    r.revise(env.actor.user, amount, cmd.reason or r.reason, policy_steps(env, amount, r.requester), env.now,
             merged(r.attachments, more) if more else None)
    env.uow.approvals.save(r)
    common.audit(env, r.ref, AuditAction.APPROVAL_REVISED, campaign.pk, before=before.format(),
                 amount=r.amount.format(), round=r.round, comment=r.reason)
    env.record(e.ApprovalRevised(r, campaign, before))
    return Reply(card(env, r, campaign))


def delegate(cmd: c.DelegateStep, env: Env) -> Reply:
    r, campaign = load(env, cmd.request)
    env.txn.member(env.actor.workspace, cmd.to)  # a member from now on, so the step's card can reach them
    index = r.delegate(env.actor.user, env.actor.member.roles, cmd.to, env.now, covering=covering(env),
                       seen=cmd.stage)
    env.uow.approvals.save(r)
    common.audit(env, r.ref, AuditAction.APPROVAL_DELEGATED, campaign.pk, step=index + 1, to=cmd.to)
    env.record(e.StepDelegated(r, campaign, env.actor.user, cmd.to))
    return Reply(card(env, r, campaign))


def cc(cmd: c.CopyRequest, env: Env) -> Reply:
    """Copy people in: the requester, the campaign's owner, a manager or an admin may."""
    r, campaign = load(env, cmd.request)
    if env.actor.user != r.requester:
        authz.require("cc", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    new = r.copy_to(cmd.people)
    if not new:
        raise NothingNew(r.ref, cmd.people)
    for user in new:
        env.txn.member(env.actor.workspace, user)
    env.uow.approvals.save(r)
    common.audit(env, r.ref, AuditAction.APPROVAL_COPIED, campaign.pk, people=",".join(new))
    env.record(e.ApprovalCopied(r, campaign, new, env.actor.user))
    shown = card(env, r, campaign)
    note = tr(env.lang, "label.copied_who", people=", ".join(fmt.mention(u) for u in new), ref=r.ref)
    return Reply(replace(shown, footer=note))


def urge(cmd: c.UrgeRequest, env: Env) -> Reply:
    """Remind the step's approvers now; the requester's, at most once an hour."""
    r, campaign = load(env, cmd.request)
    r.urge(env.actor.user, env.now)
    env.uow.approvals.save(r)
    common.audit(env, r.ref, AuditAction.APPROVAL_URGED, campaign.pk)
    env.record(e.ApprovalUrged(r, campaign, env.actor.user))
    asked = desk.approvers(env.uow, env.actor.workspace, r, env.now)
    note = tr(env.lang, "label.urged_who", people=", ".join(fmt.mention(u) for u in asked), ref=r.ref,
              next=fmt.moment(env.now + URGE_EVERY, env.actor.tz, env.lang))
    return Reply(replace(card(env, r, campaign), footer=note))


def update_away(cmd: c.UpdateSettings, env: Env) -> bool:
    """`settings delegate=@user until=<date>` / `delegate=none`: who covers my approvals while I am away. Both of us
    are told (the reactions). True when something changed."""
    member, workspace = env.actor.member, env.actor.workspace
    old = member.away
    if cmd.away_off:
        if old is None:
            return False
        member.away = None
        common.audit(env, f"@{member.user_ref}", AuditAction.AWAY_ENDED, None, delegate=old.delegate)
        env.record(e.AwayEnded(workspace, member, old))
        return True
    new = cmd.away
    if new is None or new == old:
        return False
    if new.delegate == member.user_ref:
        raise InvalidInput("delegate", "away_self")
    if new.until < env.now.astimezone(member.tz_in(workspace)).date():
        raise InvalidInput("until", "until_past", value=new.until.isoformat())
    env.txn.member(workspace, new.delegate)
    member.away = new
    common.audit(env, f"@{member.user_ref}", AuditAction.AWAY_SET, None, delegate=new.delegate,
                 until=new.until.isoformat())
    if old is not None and old.delegate != new.delegate:
        env.record(e.AwayEnded(workspace, member, old))
    env.record(e.AwayDelegated(workspace, member, new))
    return True
