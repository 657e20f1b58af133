"""Work that continues after Feishu has had its answer: lark's handlers run in a worker thread and must return
within 3 s, so they hand coroutines to the server's event loop and this keeps track of them."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class Background:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self._pending: set[concurrent.futures.Future[Any]] = set()
        self._lock = threading.Lock()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop the web server runs on; set by the endpoint on every request."""
        self.loop = loop

    def submit(self, work: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule `work` on the server's loop from any thread; its failure is logged, never lost."""
        if self.loop is None or self.loop.is_closed():
            work.close()
            raise RuntimeError("no event loop bound for Feishu background work")
        future = asyncio.run_coroutine_threadsafe(work, self.loop)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: concurrent.futures.Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)
        if not future.cancelled() and future.exception() is not None:
            log.error("Feishu background work failed", exc_info=future.exception())

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no work is pending (work may schedule more); False on timeout. For tests and shutdown."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            concurrent.futures.wait(pending, timeout=left)
