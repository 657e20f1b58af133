"""The explicit table of scheduled jobs: each a name, a trigger, and the system command it sends to the bus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.settings import Settings
from domain import commands as c


@dataclass(frozen=True)
class Job:
    name: str
    trigger: Callable[[Settings], BaseTrigger]
    command: Callable[[datetime], c.SystemCommand]


def every_scan(settings: Settings) -> BaseTrigger:
    return IntervalTrigger(seconds=settings.scan_interval_seconds)


JOBS: tuple[Job, ...] = (
    Job("deadlines", every_scan, c.ScanDeadlines),
    Job("approvals", every_scan, c.ScanApprovals),
    # Not a 09:00 cron: each workspace has its own 09:00. The scan sends a digest where it is 09:00 or later
    # and today's (local date) has not gone out yet, so a DST change or a late start neither skips nor doubles.
    Job("digests", every_scan, c.SendDigests),
    Job("budgets", every_scan, c.ScanBudgets),
    Job("anomalies", every_scan, c.ScanAnomalies),
    # Weekly: the scan acts on Mondays from the digest hour in each workspace; the key keeps each goal once a week.
    Job("goals", every_scan, c.ScanGoals),
)
