"""Budget requests read from storage, the same for a handler, a reaction or a scan: the decision card as a reader
sees it, and who may decide the step that waits."""

from __future__ import annotations

from datetime import datetime

from bot.cards import Card
from bot.ledgers import ledger_of
from bot.presenters import approvals as view
from domain.approval import ApprovalRequest
from domain.campaign import Campaign
from domain.people import Workspace
from domain.ports import UnitOfWork


def approval_card(uow: UnitOfWork, workspace: Workspace, now: datetime, r: ApprovalRequest, campaign: Campaign,
                  lang: str, with_buttons: bool = True) -> Card:
    """The decision card: with Approve / Reject for the approvers, without them once decided or for onlookers."""
    ledger = ledger_of(uow, campaign)
    today = now.astimezone(workspace.tz).date()
    return view.approval_card(r, campaign, ledger, ledger.pacing(campaign.days(), today), workspace.tz, lang,
                              with_buttons)


def approvers(uow: UnitOfWork, r: ApprovalRequest) -> list[str]:
    """Who may decide the current step: its role's holders, never the requester nor an earlier step's decider."""
    role = r.current_role
    if role is None:
        return []
    return sorted(m.user_ref for m in uow.members.holders(r.workspace_id, role) if r.may_decide(m.user_ref, m.roles))
