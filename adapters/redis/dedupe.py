"""De-duplication across replicas with SET NX EX; while Redis is down, the database's unique key decides
(never process memory: two replicas given the same request must agree on which one runs it)."""

from __future__ import annotations

import logging

import redis

from adapters.redis.client import Breaker
from bot.ports import Deduper

log = logging.getLogger(__name__)
PREFIX = "mems:dedupe:"


class RedisDeduper:
    def __init__(self, client: redis.Redis, fallback: Deduper, breaker: Breaker | None = None) -> None:
        self.client = client
        self.fallback = fallback
        self.breaker = breaker or Breaker()

    def first(self, key: str, ttl_seconds: int) -> bool:
        answered, stored = self.breaker.call(
            "de-duplication", lambda: self.client.set(PREFIX + key, b"1", nx=True, ex=ttl_seconds))
        if not answered:
            return self.fallback.first(key, ttl_seconds)
        return bool(stored)

    def forget(self, key: str) -> None:
        self.fallback.forget(key)
        self.breaker.call("de-duplication", lambda: self.client.delete(PREFIX + key))
