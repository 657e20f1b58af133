"""The circuit breaker in front of Redis: a failure sends every call to the fallback for the cool-off, then one
call at a time tries Redis again, and a success closes it."""

from __future__ import annotations

import redis

from adapters.redis.client import Breaker


def test_a_failure_opens_the_breaker_for_the_cool_off_then_one_success_closes_it() -> None:
    now = [0.0]
    breaker = Breaker(cool_off=5.0, clock=lambda: now[0])
    calls: list[str] = []

    def failing() -> str:
        calls.append("try")
        raise redis.TimeoutError("hung")

    assert breaker.call("test", failing) == (False, None) and breaker.open
    assert breaker.call("test", lambda: calls.append("skipped") or "x") == (False, None)  # open: not even tried
    now[0] = 5.1
    assert breaker.call("test", failing) == (False, None) and calls == ["try", "try"]  # one trial, failed again
    now[0] = 10.2
    assert breaker.call("test", lambda: "pong") == (True, "pong") and not breaker.open
    assert breaker.call("test", lambda: "again") == (True, "again")
