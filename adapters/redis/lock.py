"""The scanner lock across replicas: SET NX PX with a random token, renewed while held, released only by its
holder. While Redis is down every replica scans; the natural keys keep that correct, only busier."""

from __future__ import annotations

import contextlib
import logging
import uuid

import redis

log = logging.getLogger(__name__)
KEY = "mems:lock:scanner"
RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


class RedisScanLock:
    def __init__(self, client: redis.Redis, ttl_seconds: float = 30.0, key: str = KEY) -> None:
        self.client = client
        self.key = key
        self.ttl_ms = int(ttl_seconds * 1000)
        self.token = uuid.uuid4().hex
        self._renew = client.register_script(RENEW)
        self._release = client.register_script(RELEASE)
        self.held = False
        self.degraded = False

    def hold(self) -> bool:
        try:
            if self.held and self._renew(keys=[self.key], args=[self.token, self.ttl_ms]):
                return self._ok(True)
            return self._ok(bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms)))
        except redis.RedisError as exc:
            if not self.degraded:
                log.warning("Redis unavailable for the scanner lock (%s); scanning anyway", type(exc).__name__)
            self.degraded, self.held = True, False
            return True

    def _ok(self, held: bool) -> bool:
        if self.degraded:
            log.info("Redis is back for the scanner lock")
            self.degraded = False
        self.held = held
        return held

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        with contextlib.suppress(redis.RedisError):  # else it expires on its own
            self._release(keys=[self.key], args=[self.token])
