"""Who hears of tasks: the assignee when given one, and of a deadline near; the campaign's channels when it is
overdue; the owner and the managers when it stays overdue. A deadline alert's period is the task's due date (in
the workspace's zone), so a re-dated task is alerted anew."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from bot.env import Txn
from bot.outbox import Notice, post, post_all, quiet_until
from bot.presenters import alerts as alert_view
from bot.presenters import editing as editing_view
from bot.presenters import tasks as view
from bot.reactions.audience import channels, people
from domain import events as e
from domain.notifications import AlertKind
from domain.people import Workspace
from domain.task import Task


def _due_day(task: Task, workspace: Workspace) -> str:
    return task.due.astimezone(workspace.tz).date().isoformat() if task.due else ""


def tell_assignee(event: e.TaskAssigned, txn: Txn) -> None:
    task, campaign = event.task, event.campaign
    workspace = txn.workspace_of(task.workspace_id)
    if not task.assignee:
        return
    card = partial(view.task_card, task, campaign, txn.now, workspace.tz, title_key="title.assigned_to_you")
    notice = Notice(AlertKind.NOTICE, card, task.ref, f"assigned:{task.assignee}:{task.version}")
    post_all(txn, workspace, people(txn, workspace, [task.assignee], but=event.by), notice)


def warn_assignee(event: e.TaskDueSoon, txn: Txn) -> None:
    """In the assignee's own time zone and language."""
    task, campaign = event.task, event.campaign
    workspace = txn.workspace_of(task.workspace_id)
    if not task.assignee:
        return
    member = txn.member(workspace, task.assignee)
    tz = member.tz_in(workspace)
    at = quiet_until(member.quiet, tz, txn.now)  # worded for when it goes out: held through quiet hours, not "in 19 h"
    notice = Notice(AlertKind.DEADLINE_SOON, lambda lang: alert_view.deadline_soon(task, campaign, at, tz, lang),
                    task.ref, _due_day(task, workspace))
    post(txn, workspace, member, notice)


def post_overdue(event: e.TaskOverdue, txn: Txn) -> None:
    task, campaign = event.task, event.campaign
    workspace = txn.workspace_of(task.workspace_id)
    notice = Notice(AlertKind.DEADLINE_OVERDUE,
                    lambda lang: alert_view.overdue(task, campaign, txn.now, workspace.tz, lang),
                    task.ref, _due_day(task, workspace))
    post_all(txn, workspace, channels(txn, workspace, campaign, AlertKind.DEADLINE_OVERDUE), notice)


def escalate(event: e.TaskEscalated, txn: Txn) -> None:
    """The owner and every manager, each in their own time zone and language."""
    task, campaign = event.task, event.campaign
    workspace = txn.workspace_of(task.workspace_id)
    for member in people(txn, workspace, [campaign.owner, *txn.managers(workspace.pk)]):
        tz = member.tz_in(workspace)
        card = partial(alert_view.overdue, task, campaign, quiet_until(member.quiet, tz, txn.now), tz, escalate=True)
        post(txn, workspace, member, Notice(AlertKind.DEADLINE_ESCALATE, card, task.ref, _due_day(task, workspace)))


def tell_redated(event: e.CampaignMoved, txn: Txn) -> None:
    """Each assignee whose due dates a re-dating moved (not whoever moved it), once, listing their tasks."""
    campaign = event.campaign
    workspace = txn.workspace_of(campaign.workspace_id)
    mine: dict[str, list[tuple[Task, datetime | None]]] = {}
    for task, before in event.moved:
        if task.assignee:
            mine.setdefault(task.assignee, []).append((task, before))
    for member in people(txn, workspace, mine, but=event.by):
        moved = mine[member.user_ref]
        card = partial(editing_view.moved_notice, campaign, moved, event.by, member.tz_in(workspace))
        post(txn, workspace, member, Notice(AlertKind.NOTICE, card, campaign.ref, f"moved:{campaign.version}"))
