"""De-duplication in memory: a TTL map under a lock. Good for one process only."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class MemoryDeduper:
    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        self._clock = clock
        self._max = max_keys

    def first(self, key: str, ttl_seconds: int) -> bool:
        now = self._clock()
        with self._lock:
            self._expire(now)
            expires = self._seen.get(key)
            if expires is not None and expires > now:
                return False
            self._seen[key] = now + ttl_seconds
            self._seen.move_to_end(key)
            while len(self._seen) > self._max:
                self._seen.popitem(last=False)
            return True

    def forget(self, key: str) -> None:
        with self._lock:
            self._seen.pop(key, None)

    def _expire(self, now: float) -> None:
        while self._seen:
            _, expires = next(iter(self._seen.items()))
            if expires > now:
                break
            self._seen.popitem(last=False)
