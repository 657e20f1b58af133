"""SIGKILL of a delivering scheduler: its rows come back within seconds (short leases, renewed while it lives),
every alert is delivered, and the only repeats are sends that were in flight when it died (none on Feishu, whose
`uuid` makes a repeated send the same message)."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from domain.people import Platform
from tests.faults.harness import Db, Mems, environment, seed, sent_by_feishu_uuid, wait_until
from tests.standins.feishu import OpenApi
from tests.standins.slack_limited import SlackStandIn

pytestmark = [pytest.mark.faults, pytest.mark.postgres]


def test_a_killed_schedulers_rows_are_back_within_ten_seconds_and_only_sends_in_flight_repeat(
        db: Db, slack: tuple[SlackStandIn, str], feishu: tuple[OpenApi, str], tmp_path: Path) -> None:
    standin, slack_api = slack
    openapi, feishu_api = feishu
    slack_keys = seed(db, 300, 150)
    feishu_keys = seed(db, 100, 50, Platform.FEISHU)
    env = environment(db, slack_api, feishu_api, delivery_concurrency="4")
    first = Mems(tmp_path, "first", env, "scheduler")
    assert wait_until(lambda: len(standin.received) >= 60, 30), first.log()
    first.signal(signal.SIGKILL)
    first.wait()
    killed = time.monotonic()
    held = db.leased()
    pending = {row[0] for row in db.rows("SELECT key FROM outbox WHERE status = 'pending'")}
    in_flight = {key for key in standin.counts() if key in pending}  # Slack took it; the row was not marked yet
    back = wait_until(lambda: db.leased() == 0, 15, 0.1)
    back_after = time.monotonic() - killed
    print(f"\nSIGKILL: {held} rows held by the dead worker, back after {back_after:.1f} s; "
          f"{len(in_flight)} send(s) in flight")
    assert held > 0  # it did die holding rows
    assert back and back_after <= 10, f"{db.leased()} rows still leased {back_after:.1f} s after the kill"

    second = Mems(tmp_path, "second", env, "scheduler")
    assert wait_until(lambda: db.pending() == 0, 60, 0.2), second.log()
    second.signal(signal.SIGTERM)
    assert second.wait() == 0, second.log()
    assert set(standin.counts()) == set(slack_keys)  # every alert delivered
    duplicates = standin.duplicates()
    print(f"Slack duplicates: {len(duplicates)} (in flight at the kill: {len(in_flight)})")
    assert set(duplicates) <= in_flight and all(n == 2 for n in duplicates.values())
    messages = openapi.messages_by_uuid()
    by_uuid = sent_by_feishu_uuid(feishu_keys)
    assert set(messages) == set(by_uuid)  # every Feishu alert delivered ...
    assert all(len(ids) == 1 for ids in messages.values())  # ... as one message each, resent or not
