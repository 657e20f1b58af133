"""Taking back what a change made wrong. A deadline alert about a date that no longer holds (the campaign moved,
the task re-dated, deleted, or its campaign closed) is dropped while unsent; once sent, a short correction follows
it in the same place (the same channel, the same person's direct messages). Its natural key is freed as well, so
the alert comes again if the new date earns it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.cards import Card
from bot.env import Txn
from bot.outbox import Channel, Notice, Recipient, post
from bot.presenters import editing as view
from domain import events as e
from domain.campaign import Campaign
from domain.notifications import DEADLINE_KINDS, AlertKind, OutboxMessage, TargetKind, period_of
from domain.people import Workspace
from domain.task import Task


def due_day(due: datetime | None, workspace: Workspace) -> str:
    """A deadline alert's period: the due date in the workspace's zone (as bot/reactions/tasks.py keys them)."""
    return due.astimezone(workspace.tz).date().isoformat() if due else ""


def retract(txn: Txn, workspace: Workspace, task: Task, campaign: Campaign, period: str | None,
            correction: Callable[[str], Card]) -> int:
    """Retract the standing deadline alerts about `task` (of that period, or all when None); returns how many."""
    standing = [m for m in txn.uow.outbox.about(task.ref, DEADLINE_KINDS) if period is None or period_of(m) == period]
    if not standing:
        return 0
    sent = set(txn.uow.outbox.retract([m.id for m in standing if m.id is not None], txn.now))
    for message in standing:
        if message.id in sent:
            post(txn, workspace, _place(txn, workspace, message),
                 Notice(AlertKind.NOTICE, correction, task.ref, f"correction:{message.id}"))
    return len(standing)


def _place(txn: Txn, workspace: Workspace, message: OutboxMessage) -> Recipient:
    if message.target.kind is TargetKind.USER:
        return txn.member(workspace, message.target.ref)
    return Channel(message.target.ref)


def retract_moved(event: e.CampaignMoved, txn: Txn) -> None:
    workspace = txn.workspace_of(event.campaign.workspace_id)
    for task, before in event.moved:
        card = _redated(task, event.campaign, workspace, txn.now)
        retract(txn, workspace, task, event.campaign, due_day(before, workspace), card)


def retract_redated(event: e.TaskRedated, txn: Txn) -> None:
    workspace = txn.workspace_of(event.task.workspace_id)
    if due_day(event.before, workspace) == due_day(event.task.due, workspace):
        return
    card = _redated(event.task, event.campaign, workspace, txn.now)
    retract(txn, workspace, event.task, event.campaign, due_day(event.before, workspace), card)


def _redated(task: Task, campaign: Campaign, workspace: Workspace, now: datetime) -> Callable[[str], Card]:
    return lambda lang: view.correction_redated(task, campaign, now, workspace.tz, lang)


def retract_closed(event: e.CampaignClosed, txn: Txn) -> None:
    """Cancelled or completed: nothing of it is due any more."""
    campaign = event.campaign
    workspace = txn.workspace_of(campaign.workspace_id)
    why = campaign.status.value
    for task in txn.uow.tasks.for_campaign(campaign.pk):
        if task.is_open:
            retract(txn, workspace, task, campaign, None, _gone(task, campaign, why))


def retract_deleted(event: e.TaskDeleted, txn: Txn) -> None:
    workspace = txn.workspace_of(event.task.workspace_id)
    retract(txn, workspace, event.task, event.campaign, None, _gone(event.task, event.campaign, "deleted"))


def _gone(task: Task, campaign: Campaign, why: str) -> Callable[[str], Card]:
    return lambda lang: view.correction_gone(task, campaign, why, lang)
