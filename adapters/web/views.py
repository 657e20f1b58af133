"""What pages show, shaped for their templates and scripts: the data of the Gantt chart and the KPI charts as JSON in
the reader's time zone (dates as YYYY-MM-DD, figures as numbers: a chart's scale, never money to keep), and the
portfolio's rows formatted once in Python rather than call by call in the template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from adapters.web.templating import Words
from bot.pages import CampaignPage, TaskItem
from domain.portfolio import Summary
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


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    """One campaign's line of the portfolio, its words already formatted: a thousand rows render as plain text."""

    ref: str
    name: str
    level: str
    level_words: str
    risks: tuple[str, ...]
    owner: str
    status: str
    status_words: str
    spent: str
    approved: str
    pace: str | None
    pace_words: str
    roi: str
    target: str | None
    missed: bool
    overdue: int
    pending: int
    anomalies: int


def portfolio_rows(summaries: Sequence[Summary], w: Words) -> list[PortfolioRow]:
    rows = []
    for s in summaries:
        c, ledger = s.campaign, s.ledger
        share = f" · {w.percent(ledger.used_share)}" if ledger.used_share is not None else ""
        rows.append(PortfolioRow(
            c.ref, c.name, s.level.value, w.t(f"risk.level.{s.level.value}"), tuple(w.t(f"risk.{r}") for r in s.risks),
            w.person(c.owner), c.status.value, w.enum("status", c.status.value), w.money(ledger.spent),
            w.money(ledger.approved) + share, s.pacing.band.value if s.pacing else None,
            w.enum("pace", s.pacing.band.value) if s.pacing else "—", w.roi(s.roi),
            w.t("web.target", target=w.roi(s.roi_target)) if s.roi_target is not None else None, s.roi_met is False,
            s.figures.overdue, s.figures.pending, s.figures.anomalies))
    return rows
