"""Rate buckets in memory (GCRA: one "theoretical arrival time" per key), for one process or as the fallback
while Redis is down. The same arithmetic as the Redis script, so both behave alike. With several workers and no
shared store, each takes its share: 1/N of the rate and of the burst, N the workers alive (told by `share`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from bot.ports import Limit, Slot

MAX_KEYS = 50_000


def _shape(limit: Limit, workers: int = 1) -> tuple[float, float]:
    """(interval between sends, how far ahead of schedule a burst may run), for one of `workers` equal shares."""
    return workers / limit.per_second, limit.tolerance(workers)


class MemoryRateLimiter:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._tat: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self.workers = 1

    def share(self, workers: int) -> None:
        """`workers` processes send through buckets like these, none of them shared: take 1/workers of each."""
        self.workers = max(workers, 1)

    def reserve(self, limits: Sequence[Limit], max_wait: float) -> Slot:
        with self._lock:
            now = self._clock()
            start = now
            for limit in limits:
                _, tolerance = _shape(limit, self.workers)
                start = max(start, self._tat.get(limit.key, now) - tolerance)
            wait = start - now
            if wait > max_wait:
                return Slot(False, wait)
            for limit in limits:
                interval, _ = _shape(limit, self.workers)
                self._tat[limit.key] = max(self._tat.get(limit.key, now), start) + interval
            self._prune(now)
            return Slot(True, wait)

    def hold(self, limits: Sequence[Limit], seconds: float) -> None:
        with self._lock:
            now = self._clock()
            for limit in limits:
                _, tolerance = _shape(limit, self.workers)
                self._tat[limit.key] = max(self._tat.get(limit.key, now), now + seconds + tolerance)

    def answered(self, limits: Sequence[Limit]) -> None:
        with self._lock:
            now = self._clock()
            for limit in limits:
                interval, _ = _shape(limit, self.workers)
                self._tat[limit.key] = max(self._tat.get(limit.key, now), now + interval)

    def _prune(self, now: float) -> None:
        if len(self._tat) > MAX_KEYS:  # a bucket whose time has passed is the same as no bucket
            self._tat = {k: v for k, v in self._tat.items() if v > now}


class LocalScanLock:
    """One process: it is always the scanner."""

    def hold(self) -> bool:
        return True

    def release(self) -> None:
        return None
