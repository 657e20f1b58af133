"""The scanner lock across replicas: SET NX PX with a random token, renewed while held, released only by its
holder. While Redis is down every replica scans; the natural keys keep that correct, only busier."""

from __future__ import annotations

import contextlib
import logging
import uuid

import redis

from adapters.redis.client import Breaker

log = logging.getLogger(__name__)
KEY = "mems:lock:scanner"
RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


class RedisScanLock:
    def __init__(self, client: redis.Redis, ttl_seconds: float = 30.0, key: str = KEY,
                 breaker: Breaker | None = None) -> None:
        self.client = client
        self.key = key
        self.ttl_ms = int(ttl_seconds * 1000)
        self.token = uuid.uuid4().hex
        self._renew = client.register_script(RENEW)
        self._release = client.register_script(RELEASE)
        self.held = False
        self.breaker = breaker or Breaker()

    def hold(self) -> bool:
        answered, held = self.breaker.call("the scanner lock", self._take)
        if not answered:  # every replica scans meanwhile; the natural keys keep that correct
            self.held = False
            return True
        self.held = bool(held)
        return self.held

    def _take(self) -> bool:
        if self.held and self._renew(keys=[self.key], args=[self.token, self.ttl_ms]):
            return True
        return bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        with contextlib.suppress(redis.RedisError):  # else it expires on its own
            self._release(keys=[self.key], args=[self.token])
