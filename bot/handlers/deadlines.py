"""The deadline scan: which open tasks are due soon (on the assignee's own clock), overdue, or overdue long enough
to escalate. It reads a window of open tasks by due time (an index range), never the whole table; who hears of
each finding is the reactions' business (bot/reactions/tasks.py)."""

from __future__ import annotations

from datetime import timedelta

from bot.env import Txn
from domain import commands as c
from domain import events as e
from domain.people import Workspace
from domain.task import Task

DST_SLACK = timedelta(hours=1)  # a local day can be 25 hours long


def scan(cmd: c.ScanDeadlines, txn: Txn) -> None:
    settings = txn.deps.settings
    soon = timedelta(hours=settings.deadline_soon_hours)
    escalate = timedelta(hours=settings.escalate_after_hours)
    lookback = timedelta(hours=settings.alert_lookback_hours)
    tasks = txn.uow.tasks.open_due_between(None, txn.now - lookback, txn.now + soon + DST_SLACK)
    campaigns = {camp.pk: camp for camp in txn.uow.campaigns.many([t.campaign_id for t in tasks])}
    for task in tasks:
        campaign = campaigns.get(task.campaign_id)
        workspace = txn.workspace(task.workspace_id)
        if campaign is None or not campaign.is_open or workspace is None or task.due is None:
            continue
        if task.due >= txn.now:
            if _due_soon(txn, workspace, task, soon):
                txn.record(e.TaskDueSoon(task, campaign))
            continue
        txn.record(e.TaskOverdue(task, campaign))
        if txn.now - task.due >= escalate:
            txn.record(e.TaskEscalated(task, campaign))


def _due_soon(txn: Txn, workspace: Workspace, task: Task, soon: timedelta) -> bool:
    """Within the next `soon` hours of the assignee's own clock: across a DST change that is 23 or 25 hours."""
    if not task.assignee or task.due is None:
        return False
    tz = txn.member(workspace, task.assignee).tz_in(workspace)
    return task.due < txn.now.astimezone(tz) + soon  # aware + timedelta moves the wall clock


