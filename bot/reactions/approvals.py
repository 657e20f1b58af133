"""Who hears of budget requests: whoever is asked for the step that waits (by direct message, with Approve / Reject /
Return / Delegate: its role's holders, the person it was added for or handed to, and for an approver away the colleague
covering them), the campaign's home channel (a summary), the requester (every decision); every copy of a request's
card, the people copied in included, is updated to show where it stands."""

from __future__ import annotations

from bot import approvals as desk
from bot.cards import Card
from bot.env import Txn
from bot.outbox import EVERY_COPY, CardFor, Channel, Keep, Notice, post, post_all
from bot.presenters import alerts as alert_view
from bot.reactions.audience import people
from domain import events as e
from domain.approval import ApprovalRequest
from domain.campaign import Campaign
from domain.notifications import AlertKind

Asked = e.ApprovalRequested | e.ApprovalDecided | e.ApprovalRevised | e.StepDelegated
Changed = e.ApprovalDecided | e.ApprovalWithdrawn | e.ApprovalRevised | e.StepDelegated | e.ApprovalCopied | \
    e.ApprovalUrged


def card(txn: Txn, r: ApprovalRequest, campaign: Campaign, with_buttons: bool) -> CardFor:
    """The request's card in any language, as it stands now (read from storage once)."""
    return desk.card_for(txn.uow, txn.workspace_of(r.workspace_id), txn.now, r, campaign, with_buttons)


def asked(txn: Txn, r: ApprovalRequest) -> list[str]:
    return desk.approvers(txn.uow, txn.workspace_of(r.workspace_id), r, txn.now)


def ask_approvers(event: Asked, txn: Txn) -> None:
    """The step that now waits, if any: whoever is asked for it gets the card with its buttons, once per step (and
    once more for each new holder of a step handed over)."""
    r = event.request
    workspace = txn.workspace_of(r.workspace_id)
    if r.current is None:
        return
    notice = Notice(AlertKind.APPROVAL_PENDING, card(txn, r, event.campaign, True), r.ref, desk.stage(r))
    post_all(txn, workspace, people(txn, workspace, asked(txn, r)), notice)


def post_summary(event: e.ApprovalRequested, txn: Txn) -> None:
    r = event.request
    workspace = txn.workspace_of(r.workspace_id)
    notice = Notice(AlertKind.APPROVAL_PENDING, card(txn, r, event.campaign, False), r.ref, "summary")
    post(txn, workspace, Channel(event.campaign.home_channel), notice)


def show_outcome(event: Changed, txn: Txn) -> None:
    """Every copy of the card, in the language it was sent in, without its buttons: a decision (or a revision) ends
    what they acted on. A move that is not a decision (a hand-over, a copy, an urge) leaves the step waiting, so the
    copies whose buttons act on it keep them, live."""
    r = event.request
    keep = None
    if isinstance(event, e.StepDelegated | e.ApprovalCopied | e.ApprovalUrged) and r.current is not None:
        keep = Keep(f"{r.round}.{r.current_step + 1}", card(txn, r, event.campaign, True))
    notice = Notice(AlertKind.CARD_UPDATE, card(txn, r, event.campaign, False), r.ref, f"v{r.version}", keep=keep)
    post(txn, txn.workspace_of(r.workspace_id), EVERY_COPY, notice)


def tell_requester(event: e.ApprovalDecided, txn: Txn) -> None:
    r, decision = event.request, event.decision
    workspace = txn.workspace_of(r.workspace_id)
    notice = Notice(AlertKind.APPROVAL_DECIDED, card(txn, r, event.campaign, False), r.ref,
                    f"{decision.outcome.value}:{len(r.decisions)}")
    post_all(txn, workspace, people(txn, workspace, [r.requester], but=decision.decider), notice)


def remind_approvers(event: e.ApprovalOverdue, txn: Txn) -> None:
    """The card itself, buttons and all, under a title that says how long it has waited."""
    r = event.request
    workspace = txn.workspace_of(r.workspace_id)
    shown = card(txn, r, event.campaign, True)

    def reminder(lang: str) -> Card:
        return alert_view.reminder(shown(lang), event.waited, lang)
    notice = Notice(AlertKind.APPROVAL_REMINDER, reminder, r.ref, f"{desk.stage(r)}.{event.periods}")
    post_all(txn, workspace, people(txn, workspace, asked(txn, r)), notice)
