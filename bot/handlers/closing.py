"""Closing a campaign with open work, and reopening it: `complete` and `cancel` ask first when tasks are open or
requests wait (a card with Confirm / Keep; typed, `cancel C-5 confirm`); once closed, every open request is withdrawn
with the campaign (its cards change in place) and the campaign's deadline alerts are taken back."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cards import Reply
from bot.env import Env
from bot.handlers import common
from bot.presenters import editing as view
from domain import commands as c
from domain import events as e
from domain.approval import ApprovalRequest
from domain.audit import AuditAction
from domain.campaign import CLOSING, OPEN, Campaign
from domain.errors import InvalidInput, WithdrawnWithCampaign


def ask_first(cmd: c.ChangeStatus, env: Env, campaign: Campaign) -> Reply | None:
    """The question to answer before closing a campaign with open work; None when there is nothing to ask."""
    if cmd.action not in CLOSING or cmd.confirmed:
        return None
    campaign.check(cmd.action, common.ledger(env, campaign).approved)
    tasks = env.uow.tasks.for_campaign(campaign.pk)
    waiting = [r for r in env.uow.approvals.for_campaign(campaign.pk) if r.is_open]
    open_tasks = [t for t in tasks if t.is_open]
    if not open_tasks and not waiting:
        return None
    return Reply(view.confirm_close(campaign, cmd.action, len(tasks), open_tasks, waiting, env.lang))


def after(env: Env, campaign: Campaign) -> Sequence[ApprovalRequest]:
    """Once cancelled or completed: withdraw its open requests with it; returns them."""
    if campaign.status in OPEN:
        return ()
    withdrawn = []
    for r in env.uow.approvals.for_campaign(campaign.pk):
        if r.withdraw_with_campaign(campaign.status.value, env.now):
            env.uow.approvals.save(r)
            common.audit(env, r.ref, AuditAction.APPROVAL_WITHDRAWN, campaign.pk,
                         comment=f"{campaign.ref} {campaign.status.value}")
            env.record(e.ApprovalWithdrawn(r, campaign))
            withdrawn.append(r)
    env.record(e.CampaignClosed(campaign, env.actor.user))
    return withdrawn


def decidable(r: ApprovalRequest, campaign: Campaign) -> None:
    """Nobody decides a request of a cancelled or completed campaign; one withdrawn with it says so."""
    if campaign.is_open:
        return
    if r.closed_with:
        raise WithdrawnWithCampaign(r.ref, campaign.ref, r.closed_with, r.closed_at or r.created_at)
    if r.is_open:
        raise InvalidInput("campaign", "closed_campaign_request", campaign=campaign.ref, status=campaign.status.value)
