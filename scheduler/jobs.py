"""The explicit table of scheduled jobs: each a name, a trigger, and the system command it sends to the bus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.outbox_sweep import cutoff, sweep
from bot.ports import OutboxStore
from bot.settings import Settings
from domain import commands as c


@dataclass(frozen=True)
class Job:
    name: str
    trigger: Callable[[Settings], BaseTrigger]
    command: Callable[[datetime], c.SystemCommand]


@dataclass(frozen=True)
class Chore:
    """Housekeeping beside the scans, done straight on a store rather than through the bus; answers a count."""

    name: str
    trigger: Callable[[Settings], BaseTrigger]
    run: Callable[[datetime], int]


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


def hourly(settings: Settings) -> BaseTrigger:
    return IntervalTrigger(hours=1)


def chores(outbox: OutboxStore, settings: Settings) -> tuple[Chore, ...]:
    """The housekeeping table: sent outbox rows past MEMS_OUTBOX_RETENTION_DAYS go, hourly, in small batches."""
    retention = timedelta(days=settings.outbox_retention_days)
    lookback = timedelta(hours=settings.alert_lookback_hours)
    return (Chore("outbox-sweep", hourly, lambda now: sweep(outbox, cutoff(now, retention, lookback))),)
