"""One Redis client per process, and a readiness probe that says why Redis is not usable."""

from __future__ import annotations

import redis


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0, health_check_interval=15)


def probe(client: redis.Redis) -> str | None:
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"Redis unreachable ({type(exc).__name__}); using in-process fallbacks (one server only)"
    return None
