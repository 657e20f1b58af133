"""The deadline scan: deadline.soon to the assignee, deadline.overdue to the campaign's channels, and
deadline.escalate to the owner and the managers. It reads a window of open tasks by due time (an index range),
never the whole table; each alert's period is the task's due date, so a re-dated task is alerted anew."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from bot.handlers.system import Scan
from bot.notify import channels_for, to_channel, to_user
from bot.presenters import alerts as view
from domain import commands as c
from domain.campaign import Campaign
from domain.notifications import AlertKind
from domain.people import Workspace
from domain.task import Task

DST_SLACK = timedelta(hours=1)  # a local day can be 25 hours long


def scan(cmd: c.ScanDeadlines, s: Scan) -> None:
    settings = s.deps.settings
    soon = timedelta(hours=settings.deadline_soon_hours)
    escalate = timedelta(hours=settings.escalate_after_hours)
    lookback = timedelta(hours=settings.alert_lookback_hours)
    tasks = s.uow.tasks.open_due_between(None, s.now - lookback, s.now + soon + DST_SLACK)
    campaigns = {camp.id: camp for camp in s.uow.campaigns.many([t.campaign_id for t in tasks])}
    for task in tasks:
        campaign = campaigns.get(task.campaign_id)
        workspace = s.workspace(task.workspace_id)
        if campaign is None or not campaign.is_open or workspace is None or task.due is None:
            continue
        if task.due >= s.now:
            _soon(s, workspace, task, campaign, soon)
            continue
        _overdue(s, workspace, task, campaign)
        if s.now - task.due >= escalate:
            _escalate(s, workspace, task, campaign)


def _period(task: Task, workspace: Workspace) -> str:
    assert task.due is not None
    return task.due.astimezone(workspace.tz).date().isoformat()


def _soon(s: Scan, workspace: Workspace, task: Task, campaign: Campaign, soon: timedelta) -> None:
    """Within the next `soon` hours of the assignee's own clock: across a DST change that is 23 or 25 hours."""
    if not task.assignee or task.due is None:
        return
    member = s.member(workspace, task.assignee)
    tz = member.tz_in(workspace)
    if task.due >= s.now.astimezone(tz) + soon:  # aware + timedelta moves the wall clock
        return
    s.count(to_user(s.uow, workspace, member, AlertKind.DEADLINE_SOON.value,
                    lambda lang: view.deadline_soon(task, campaign, s.now, tz, lang), task.ref,
                    _period(task, workspace), s.now))


def _overdue(s: Scan, workspace: Workspace, task: Task, campaign: Campaign) -> None:
    kind = AlertKind.DEADLINE_OVERDUE.value
    card = view.overdue(task, campaign, s.now, workspace.tz, workspace.lang)
    subs = s.subscriptions(workspace.pk)
    for channel in channels_for(s.uow, workspace, campaign.home_channel, kind, campaign.id, subs):
        s.count(to_channel(s.uow, workspace, channel, kind, card, task.ref, _period(task, workspace), s.now))


def _escalate(s: Scan, workspace: Workspace, task: Task, campaign: Campaign) -> None:
    managers = s.managers(workspace.pk)
    for user in dict.fromkeys([campaign.owner, *managers]):
        member = s.member(workspace, user)
        card = partial(view.overdue, task, campaign, s.now, member.tz_in(workspace), escalate=True)
        s.count(to_user(s.uow, workspace, member, AlertKind.DEADLINE_ESCALATE.value, card,
                        task.ref, _period(task, workspace), s.now))
