"""Who hears of budget requests: the approvers of the step that waits (by direct message, with Approve / Reject),
the campaign's home channel (a summary), the requester (the outcome); every copy of a request's card is updated
to show where it stands."""

from __future__ import annotations

from bot.approvals import approval_card, approvers
from bot.cards import Card
from bot.env import Txn
from bot.outbox import EVERY_COPY, CardFor, Channel, Notice, post, post_all
from bot.presenters import alerts as alert_view
from bot.reactions.audience import people
from domain import events as e
from domain.notifications import AlertKind

ApprovalEvent = e.ApprovalRequested | e.ApprovalDecided | e.ApprovalWithdrawn | e.ApprovalOverdue


def _card(txn: Txn, event: ApprovalEvent, with_buttons: bool) -> CardFor:
    """The request's card in any language, as it stands now."""
    workspace = txn.workspace_of(event.request.workspace_id)

    def card(lang: str) -> Card:
        return approval_card(txn.uow, workspace, txn.now, event.request, event.campaign, lang, with_buttons)
    return card


def ask_approvers(event: e.ApprovalRequested | e.ApprovalDecided, txn: Txn) -> None:
    """The step that now waits, if any: its approvers each get the card with its buttons."""
    r = event.request
    workspace = txn.workspace_of(r.workspace_id)
    notice = Notice(AlertKind.APPROVAL_PENDING, _card(txn, event, True), r.ref, f"step{r.current_step + 1}")
    post_all(txn, workspace, people(txn, workspace, approvers(txn.uow, r)), notice)


def post_summary(event: e.ApprovalRequested, txn: Txn) -> None:
    r = event.request
    workspace = txn.workspace_of(r.workspace_id)
    notice = Notice(AlertKind.APPROVAL_PENDING, _card(txn, event, False), r.ref, "summary")
    post(txn, workspace, Channel(event.campaign.home_channel), notice)


def show_outcome(event: e.ApprovalDecided | e.ApprovalWithdrawn, txn: Txn) -> None:
    """Every copy of the card, in the language it was sent in, without its buttons."""
    r = event.request
    notice = Notice(AlertKind.CARD_UPDATE, _card(txn, event, False), r.ref, f"v{r.version}")
    post(txn, txn.workspace_of(r.workspace_id), EVERY_COPY, notice)


def tell_requester(event: e.ApprovalDecided, txn: Txn) -> None:
    r, decision = event.request, event.decision
    workspace = txn.workspace_of(r.workspace_id)
    notice = Notice(AlertKind.APPROVAL_DECIDED, _card(txn, event, False), r.ref,
                    f"{decision.outcome.value}:{len(r.decisions)}")
    post_all(txn, workspace, people(txn, workspace, [r.requester], but=decision.decider), notice)


def remind_approvers(event: e.ApprovalOverdue, txn: Txn) -> None:
    """The card itself, buttons and all, under a title that says how long it has waited."""
    r = event.request
    workspace = txn.workspace_of(r.workspace_id)
    card = _card(txn, event, True)
    notice = Notice(AlertKind.APPROVAL_REMINDER, lambda lang: alert_view.reminder(card(lang), event.waited, lang),
                    r.ref, f"step{r.current_step + 1}.{event.periods}")
    post_all(txn, workspace, people(txn, workspace, approvers(txn.uow, r)), notice)
