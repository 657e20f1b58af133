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
from scheduler.jobs import chores
from scheduler.runner import Runner, scan_once

log = logging.getLogger(__name__)


POLL_SECONDS = 2.0  # rows given back by a dead worker, or come due, are picked up within this long
GRACE_SECONDS = 20.0  # a stopping worker's sends in flight get this long to finish before they are cut


async def delivery_loop(delivery: Delivery, kicker: Kicker, poll_seconds: float = POLL_SECONDS) -> None:
    """Drain the outbox when a commit kicks it, and poll as a safety net, until the worker is stopped."""
    event = asyncio.Event()
    kicker.bind(asyncio.get_running_loop(), event)
    try:
        while not delivery.stopping:
            try:
                await delivery.drain()
            except Exception:  # never let one bad batch stop delivery
                log.exception("delivery loop")
            if delivery.stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout=poll_seconds)
            event.clear()
    finally:
        await asyncio.to_thread(delivery.leave)


def start_delivery(container: Container) -> asyncio.Task[None]:
    return asyncio.create_task(delivery_loop(container.delivery, container.kicker))


async def stop_delivery(container: Container, task: asyncio.Task[None], grace: float = GRACE_SECONDS) -> None:
    """Graceful: claim nothing more, let the sends in flight finish and be recorded, give back the rest. Only a
    send still unanswered after `grace` seconds is cut (it may then go out once more from another worker)."""
    container.delivery.stop()
    container.kicker.kick()
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=grace)
    except TimeoutError:
        log.warning("delivery did not finish within %.0f s of the stop; cutting what is in flight", grace)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    log.info("delivery stopped: everything claimed was sent or given back")


def start_scheduler(container: Container) -> Runner:
    return Runner(container.bus.run_system, container.scan_lock, container.clock, container.settings,
                  chores=chores(container.outbox, container.settings)).start()


def scan_all(container: Container, at: datetime) -> list[ScanResult]:
    """Every scheduled scan once, as of `at` (`mems tick`)."""
    return scan_once(container.bus.run_system, at)
