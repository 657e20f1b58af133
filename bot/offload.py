"""Running the bus off the event loop, for every chat adapter: the bus (and de-duplication) is synchronous, so it
runs in a small pool of threads while the loop stays free to acknowledge the next request within the platform's
3 seconds. Work that outlives its acknowledgement is counted, so shutdown and tests can wait for it (`idle`); a
foreign thread (lark's handlers are synchronous) hands coroutines to the server's loop with `submit`.

This is the one place where a chat request's work is admitted: a bound on waiting work goes here."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
# Few threads on purpose: each one competes with the event loop for the GIL, and the loop must stay free to
# acknowledge the next request (see bench/slack_ack.py).
THREADS = 2


class Offload:
    def __init__(self, threads: int = THREADS) -> None:
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="mems-offload")
        self.loop: asyncio.AbstractEventLoop | None = None
        self._running = 0
        self._changed = threading.Condition()

    @property
    def running(self) -> int:
        """Work admitted and not finished yet."""
        return self._running

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop the web server runs on, for `submit`; set at start-up and on each request of an endpoint
        whose handlers run in another thread."""
        self.loop = loop

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in the pool, awaited without blocking the loop."""
        async with self.track():
            # in the caller's context: the request id (bot.logs) goes with the work into the thread
            context = contextvars.copy_context()
            return await asyncio.get_running_loop().run_in_executor(self.pool, context.run,
                                                                    functools.partial(fn, *args))

    @contextlib.asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        """Count a listener's work (acknowledge, run, answer) as running until it is done."""
        self._enter()
        try:
            yield
        finally:
            self._leave()

    def submit(self, work: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule `work` on the server's loop from any thread, counted until done; its failure is logged."""
        loop = self.loop
        if loop is None or loop.is_closed():
            work.close()
            raise RuntimeError("no event loop bound for chat work")
        self._enter()
        try:
            future = asyncio.run_coroutine_threadsafe(work, loop)
        except BaseException:
            self._leave()
            raise
        future.add_done_callback(self._done)
        return future

    def hold(self) -> None:
        """Count work that waits elsewhere (a request in the inbox's queue) as running, until `release`."""
        self._enter()

    def release(self) -> None:
        self._leave()

    def _done(self, future: concurrent.futures.Future[Any]) -> None:
        if not future.cancelled() and future.exception() is not None:
            log.error("chat work failed", exc_info=future.exception())
        self._leave()  # after the log: once idle, every failure has been told

    def _enter(self) -> None:
        with self._changed:
            self._running += 1

    def _leave(self) -> None:
        with self._changed:
            self._running -= 1
            self._changed.notify_all()

    async def idle(self, timeout: float = 10.0) -> bool:
        """On the loop: wait until no work runs (work may admit more); False on timeout. For shutdown."""
        deadline = time.monotonic() + timeout
        while self._running and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return not self._running

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """From another thread (a test, a benchmark): block until no work runs; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._running == 0, timeout)

    def close(self) -> None:
        self.pool.shutdown(wait=False)
