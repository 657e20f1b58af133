"""Throttling is not failure: a message answered 429 again and again waits as told each time and is sent, not
declared dead after its attempts run out; and sends paced at the moment they leave draw no 429 from a platform
that enforces its limit."""

from __future__ import annotations

import asyncio
import time

import pytest

from adapters.db.engine import session_factory
from adapters.db.outbox_store import SqlOutboxStore
from bot.delivery import Delivery
from bot.entry.bootstrap import SystemClock
from domain.people import Platform
from tests.faults.harness import Db, seed
from tests.standins.slack_limited import SlackStandIn, gateway, serving

pytestmark = [pytest.mark.faults, pytest.mark.postgres]


def deliver(db: Db, api: str, **options: object) -> Delivery:
    delivery = Delivery(SqlOutboxStore(session_factory(db.engine)), {Platform.SLACK: gateway(api)}, SystemClock(),
                        **options)  # type: ignore[arg-type]
    asyncio.run(delivery.drain())
    return delivery


def test_four_429s_in_a_row_are_waited_out_and_are_not_attempts(db: Db) -> None:
    [key] = seed(db, 1, 1)
    standin = SlackStandIn(script=[(429, {"Retry-After": "1"})] * 4)
    started = time.monotonic()
    with serving(standin) as api:
        deliver(db, api, max_attempts=3)
    status, attempts = db.rows("SELECT status, attempts FROM outbox")[0]
    print(f"\nfour 429s, three attempts allowed: {status} after {time.monotonic() - started:.1f} s, "
          f"attempts {attempts}")
    assert (status, attempts) == ("sent", 1) and standin.counts() == {key: 1}
    assert standin.received[0].at - started >= 4.0  # each Retry-After waited out


def test_paced_at_the_moment_of_sending_a_busy_workspace_draws_no_429(db: Db) -> None:
    """Six messages for each of fifty channels, four sends in flight, 50 ms to each answer: sends wait for a free
    sender; a slot booked before that wait would go out late, bunched with the next, and Slack would refuse it."""
    keys = seed(db, 300, 50)
    standin = SlackStandIn(per_second=1.0, burst=3, latency=0.05)
    with serving(standin) as api:
        deliver(db, api, concurrency=4)
        while db.pending():
            deliver(db, api, concurrency=4)
    print(f"\n{len(keys)} messages over 50 channels, 4 in flight: {standin.throttled} 429s")
    assert set(standin.counts()) == set(keys) and standin.throttled == 0
