"""A process's background work, wired from the container's parts: the delivery loop (every replica) and the
scheduler runner (scans, while this process holds the scanner lock). `mems serve` and `mems scheduler` run both."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from bot.bus import ScanResult
from bot.delivery import Delivery
from bot.entry.bootstrap import Container, Kicker
from scheduler.runner import Runner, scan_once

log = logging.getLogger(__name__)


async def delivery_loop(delivery: Delivery, kicker: Kicker, poll_seconds: float = 5.0) -> None:
    """Drain the outbox when a commit kicks it, and poll as a safety net."""
    event = asyncio.Event()
    kicker.bind(asyncio.get_running_loop(), event)
    while True:
        try:
            await delivery.drain()
        except Exception:  # never let one bad batch stop delivery
            log.exception("delivery loop")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout=poll_seconds)
        event.clear()


def start_delivery(container: Container) -> asyncio.Task[None]:
    return asyncio.create_task(delivery_loop(container.delivery, container.kicker))


async def stop_delivery(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def start_scheduler(container: Container) -> Runner:
    return Runner(container.bus.run_system, container.scan_lock, container.clock, container.settings).start()


def scan_all(container: Container, at: datetime) -> list[ScanResult]:
    """Every scheduled scan once, as of `at` (`mems tick`)."""
    return scan_once(container.bus.run_system, at)
