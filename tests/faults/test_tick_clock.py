"""`mems tick --at` shifts the scans' clock only: beside a running scheduler, a tick as of yesterday sends nothing
twice (its leases are real leases), and a tick as of the day after tomorrow parks nothing two days out, even when
it is stopped with Ctrl-C mid-delivery."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.faults.harness import Db, Mems, environment, seed, wait_until
from tests.standins.slack_limited import SlackStandIn

pytestmark = [pytest.mark.faults, pytest.mark.postgres]


def test_a_tick_as_of_yesterday_beside_a_running_scheduler_sends_nothing_twice(
        db: Db, slack: tuple[SlackStandIn, str], tmp_path: Path) -> None:
    standin, api = slack
    yesterday = datetime.now(UTC) - timedelta(days=1)
    keys = seed(db, 600, 300, not_before=yesterday)  # as a scan as of yesterday writes them
    env = environment(db, api)
    tick = Mems(tmp_path, "tick", env, "tick", "--at", yesterday.isoformat())
    time.sleep(0.5)
    scheduler = Mems(tmp_path, "scheduler", env, "scheduler")
    assert tick.wait(60) == 0, tick.log()
    assert wait_until(lambda: db.pending() == 0, 60, 0.2), scheduler.log()
    scheduler.signal(signal.SIGTERM)
    assert scheduler.wait() == 0, scheduler.log()
    duplicates = standin.duplicates()
    print(f"\ntick --at yesterday beside a scheduler: {len(standin.received)} sends for {len(keys)} alerts, "
          f"{len(duplicates)} sent twice")
    assert set(standin.counts()) == set(keys) and not duplicates


def test_a_tick_as_of_the_day_after_tomorrow_stopped_mid_delivery_parks_nothing_in_the_future(
        db: Db, slack: tuple[SlackStandIn, str], tmp_path: Path) -> None:
    standin, api = slack
    seed(db, 40, 1)  # one busy channel: most rows wait for its rate bucket
    later = datetime.now(UTC) + timedelta(days=2)
    tick = Mems(tmp_path, "tick", environment(db, api), "tick", "--at", later.isoformat())
    assert wait_until(lambda: len(standin.received) >= 3, 30), tick.log()
    tick.signal(signal.SIGINT)
    code = tick.wait(30)
    soon = datetime.now(UTC) + timedelta(seconds=30)
    leased = db.scalar("SELECT max(lease_until) FROM outbox WHERE status = 'pending'")
    parked = db.scalar("SELECT max(next_attempt_at) FROM outbox WHERE status = 'pending'")
    print(f"\ntick --at +2 days, Ctrl-C: exit {code}, latest lease {leased}, latest retry {parked}")
    assert code == 0, tick.log()
    assert leased is None or leased <= soon, f"a row stays leased until {leased}"
    assert parked is None or parked <= soon, f"a row waits until {parked}"
    assert db.pending() == 40 - len(standin.received)
