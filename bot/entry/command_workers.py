"""Command workers: on PostgreSQL the processes that acknowledge chat requests (`mems serve`'s web processes) run
no command; command worker processes (`mems work`, and the ones `mems serve` starts and restarts beside its web
processes) claim the requests the web processes keep in the inbox and run them, with the delivery loop and, where
its lease is held, the scheduler. The acknowledgement then never waits for the GIL behind command work."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time

from bot.entry import web, workers
from bot.entry.bootstrap import Container

log = logging.getLogger(__name__)
PARENT = "MEMS_SERVE_PID"  # set for the workers `mems serve` starts: they die with it
RESTART_SECONDS = 1.0  # a dead worker is started again after this long
STOP_SECONDS = 30.0  # a stopping worker's queued commands and sends in flight get this long


async def run(container: Container) -> None:
    """One command worker, until SIGTERM or SIGINT: each chat platform's work registered on the inbox (as its
    routes do in the web processes, without serving them), the inbox's claims, delivery and the scheduler."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    container.offload.bind(loop)
    web.slack_router(container)  # registers Slack's work on the inbox; the routes themselves are not served here
    web.feishu_router(container)
    container.inbox.start()
    scheduled = container.settings.scheduler == "on"
    delivery = workers.start_delivery(container) if scheduled else None
    runner = workers.start_scheduler(container) if scheduled else None
    log.info("command worker %d: running the chat requests the web processes keep", os.getpid())
    try:
        await stop.wait()
    finally:
        if runner is not None:
            runner.shutdown()
        await container.inbox.stop()
        if delivery is not None:
            await workers.stop_delivery(container, delivery)
        await container.offload.idle(timeout=10.0)
        await _close_clients(container)


async def _close_clients(container: Container) -> None:
    if container.slack is not None:
        await container.slack.sessions.close()
    if container.feishu is not None:
        await container.feishu.client.aclose()


def die_with_parent() -> None:
    """A worker `mems serve` started is killed with it, whatever kills it (SIGKILL too): its requests' leases
    run out and the next server's workers run them, once."""
    parent = os.environ.get(PARENT)
    if not parent:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    if os.getppid() != int(parent):  # it died before the line above
        os._exit(1)


class Children:
    """The command workers of `mems serve`: started with it, started again when one dies, stopped gracefully
    with it (SIGTERM; killed after `STOP_SECONDS`)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._procs: list[subprocess.Popen[bytes]] = []
        self._stopping = threading.Event()
        self._stopped = threading.Event()  # the watcher lives until then: a worker it started dies with its thread
        self._watch = threading.Thread(target=self._watching, name="mems-command-workers", daemon=True)

    def start(self) -> Children:
        self._procs = [self._spawn() for _ in range(self.count)]
        self._watch.start()
        return self

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, PARENT: str(os.getpid())}
        return subprocess.Popen([sys.executable, "-m", "bot.entry.cli", "work"], env=env)

    def _watching(self) -> None:
        while not self._stopped.wait(RESTART_SECONDS):
            for n, proc in enumerate(self._procs):
                if proc.poll() is not None and not self._stopping.is_set():
                    log.warning("command worker %d ended (status %s); starting another", proc.pid, proc.returncode)
                    self._procs[n] = self._spawn()

    def pids(self) -> list[int]:
        return [p.pid for p in self._procs]

    def stop(self, grace: float = STOP_SECONDS) -> None:
        self._stopping.set()
        for proc in self._procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self._procs:
            try:
                proc.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.warning("command worker %d did not stop within %.0f s; killed", proc.pid, grace)
                proc.kill()
                proc.wait()
        self._stopped.set()
