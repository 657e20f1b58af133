"""The data a page's scripts draw from (the Gantt chart, the KPI charts), shaped as JSON in the reader's time zone;
dates as YYYY-MM-DD, figures as numbers (a chart's scale, never money to keep)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.pages import CampaignPage, TaskItem
from domain.task import TaskStatus


def _local(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def gantt_task(item: TaskItem, tz: ZoneInfo) -> dict[str, Any]:
    """A bar from the day the task was created to its due day (or the day it was done, if later)."""
    t = item.task
    created = _local(t.created_at, tz)
    end = _local(t.due, tz) if t.due else created
    if t.done_at:
        end = max(end, _local(t.done_at, tz))
    start = min(created, end)
    state = "overdue" if item.overdue else t.status.value
    return {"id": t.ref, "name": f"{t.ref} {t.title}", "start": start.isoformat(), "end": end.isoformat(),
            "progress": 100 if t.status is TaskStatus.DONE else 50 if t.status is TaskStatus.DOING else 0,
            "custom_class": f"bar-{state}" + ("" if t.due else " bar-nodue")}


def gantt(page: CampaignPage, tz: ZoneInfo, today: date) -> dict[str, Any]:
    c = page.campaign
    tasks = [gantt_task(item, tz) for item in page.tasks]
    span = c.days()
    if span is not None:
        tasks.insert(0, {"id": c.ref, "name": f"{c.ref} {c.name}", "start": span[0].isoformat(),
                         "end": span[1].isoformat(), "progress": 0, "custom_class": "bar-campaign"})
    return {"tasks": tasks, "today": today.isoformat(), "launch": c.launch.isoformat() if c.launch else None}


def _ratio(num: Any, den: Any) -> float | None:
    return None if not den else round(float(num) / float(den), 4)


def charts(page: CampaignPage) -> dict[str, Any]:
    days = page.days
    channels = page.channels
    return {
        "days": [d.isoformat() for d in days],
        "spend": [float(k.spend) for k in days.values()],
        "revenue": [float(k.revenue) for k in days.values()],
        "conversions": [k.conversions for k in days.values()],
        "ctr": [_ratio(k.clicks * 100, k.impressions) for k in days.values()],
        "channels": [name or "—" for name in channels],
        "channel_spend": [float(k.spend) for k in channels.values()],
        "channel_revenue": [float(k.revenue) for k in channels.values()],
        "channel_roi": [_ratio(k.revenue, k.spend) for k in channels.values()],
    }
