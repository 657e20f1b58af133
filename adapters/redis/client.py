"""One Redis client per process with short timeouts and no retries, a circuit breaker shared by every Redis service
of the process, and a readiness probe that says why Redis is not usable.

A hung Redis (SIGSTOP, a full network buffer) answers nothing rather than refusing: without short timeouts and a
breaker, every call would wait out its timeout (redis-py's default is ten retries with back-off), and delivery and
inbound commands would crawl. With the breaker open, the fallbacks answer at once; one call tries Redis again after
the cool-off."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)
T = TypeVar("T")
TIMEOUT = 0.25  # seconds: a healthy Redis on the same network answers in well under a millisecond
COOL_OFF = 5.0  # seconds the fallbacks answer alone after a failure, before one call tries Redis again


def connect(url: str, timeout: float = TIMEOUT) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                health_check_interval=15, retry=Retry(NoBackoff(), 0))


class Breaker:
    """Closed: calls go to Redis. A failure opens it for `cool_off` seconds, during which `call` answers None at
    once (the caller uses its fallback). Then one caller at a time tries Redis again; a success closes it."""

    def __init__(self, cool_off: float = COOL_OFF, clock: Callable[[], float] = time.monotonic) -> None:
        self.cool_off = cool_off
        self._clock = clock
        self._open_until = 0.0
        self._failing = False
        self._trial = threading.Lock()

    @property
    def open(self) -> bool:
        return self._failing

    def call(self, what: str, fn: Callable[[], T]) -> tuple[bool, T | None]:
        """(True, the answer) from Redis, or (False, None) when Redis is skipped or failed."""
        trial = False
        if self._failing:
            if self._clock() < self._open_until or not self._trial.acquire(blocking=False):
                return False, None
            trial = True  # this caller alone tries Redis again
        try:
            answer = fn()
        except redis.RedisError as exc:
            self._trip(what, exc)
            return False, None
        finally:
            if trial:
                self._trial.release()
        if self._failing:
            log.info("Redis is back (%s); shared buckets, locks and de-duplication are in Redis again", what)
            self._failing = False
        return True, answer

    def _trip(self, what: str, exc: Exception) -> None:
        if not self._failing:
            log.warning("Redis unavailable for %s (%s); using the fallbacks, trying Redis again every %.0f s",
                        what, type(exc).__name__, self.cool_off)
        self._failing = True
        self._open_until = self._clock() + self.cool_off


def probe(client: redis.Redis) -> str | None:
    try:
        client.ping()
    except redis.RedisError as exc:
        return (f"Redis unreachable ({type(exc).__name__}); using fallbacks (rate buckets shared out among the live "
                "workers, de-duplication in the database)")
    return None
