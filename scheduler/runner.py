"""The APScheduler runner: every job of the table on its trigger, run only while this process holds the
scanner lock (renewed by a heartbeat). Delivery is not here: it runs on every replica, kept safe by leases."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.bus import ScanResult
from bot.ports import ScanLock
from bot.settings import Settings
from domain import commands as c
from domain.ports import Clock
from scheduler.jobs import JOBS, Chore, Job

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 10.0
RunSystem = Callable[[c.SystemCommand], ScanResult]  # the bus's entry for system commands


def scan_once(run_system: RunSystem, at: datetime, jobs: Sequence[Job] = JOBS) -> list[ScanResult]:
    """Every scan once, as of `at` (for `mems tick`)."""
    return [run_system(job.command(at)) for job in jobs]


class Runner:
    def __init__(self, run_system: RunSystem, scan_lock: ScanLock, clock: Clock, settings: Settings,
                 jobs: Sequence[Job] = JOBS, chores: Sequence[Chore] = ()) -> None:
        self.run_system = run_system
        self.chores = chores
        self.scan_lock = scan_lock
        self.clock = clock
        self.settings = settings
        self.jobs = jobs
        self.leading = False
        self._lock = threading.Lock()
        logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per job run every few minutes is noise
        self.scheduler = BackgroundScheduler(timezone=UTC, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": 60})

    def start(self) -> Runner:
        now = datetime.now(UTC)
        self.scheduler.add_job(self.heartbeat, IntervalTrigger(seconds=HEARTBEAT_SECONDS), id="heartbeat",
                               next_run_time=now)
        for job in self.jobs:
            self.scheduler.add_job(self.run, job.trigger(self.settings), args=[job], id=job.name,
                                   next_run_time=now)
        for chore in self.chores:
            self.scheduler.add_job(self.tidy, chore.trigger(self.settings), args=[chore], id=chore.name,
                                   next_run_time=now)
        self.scheduler.start()
        log.info("scheduler started: %s (they run while this process holds the scanner lease)",
                 ", ".join([job.name for job in self.jobs] + [chore.name for chore in self.chores]))
        return self

    def heartbeat(self) -> bool:
        with self._lock:
            leading = self.scan_lock.hold()
            if leading != self.leading:
                log.info("this process %s the scanner", "is now" if leading else "is no longer")
            self.leading = leading
            return leading

    def run(self, job: Job) -> ScanResult | None:
        if not self.heartbeat():
            return None  # another replica scans; the keys would make a second scan harmless, only wasteful
        result = self.run_system(job.command(self.clock.now()))
        if result.error:
            log.warning("scan %s failed: %s", job.name, result.error)
        elif result.written:
            log.info("scan %s wrote %d alert(s)", job.name, result.written)
        return result

    def tidy(self, chore: Chore) -> int | None:
        """A housekeeping chore, while this process is the scanner; a failure is logged and tried at its next run."""
        if not self.heartbeat():
            return None
        try:
            return chore.run(self.clock.now())
        except Exception as exc:
            log.warning("%s failed (%s); trying again at its next run", chore.name, type(exc).__name__)
            return None

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=False)
        self.scan_lock.release()
