"""De-duplication across replicas with SET NX EX; falls back to memory while Redis is down."""

from __future__ import annotations

import logging

import redis

from bot.inprocess.dedupe import MemoryDeduper

log = logging.getLogger(__name__)
PREFIX = "mems:dedupe:"


class RedisDeduper:
    def __init__(self, client: redis.Redis, fallback: MemoryDeduper | None = None) -> None:
        self.client = client
        self.fallback = fallback or MemoryDeduper()
        self.degraded = False

    def first(self, key: str, ttl_seconds: int) -> bool:
        try:
            stored = self.client.set(PREFIX + key, b"1", nx=True, ex=ttl_seconds)
        except redis.RedisError as exc:
            if not self.degraded:
                log.warning("Redis unavailable for de-duplication (%s); using memory", type(exc).__name__)
            self.degraded = True
            return self.fallback.first(key, ttl_seconds)
        if self.degraded:
            log.info("Redis is back for de-duplication")
            self.degraded = False
        # Remember locally too, so a retry that lands here during a later outage is still caught.
        self.fallback.first(key, ttl_seconds)
        return bool(stored)

    def forget(self, key: str) -> None:
        self.fallback.forget(key)
        try:
            self.client.delete(PREFIX + key)
        except redis.RedisError as exc:
            log.warning("Redis unavailable to forget a de-duplication key (%s)", type(exc).__name__)
