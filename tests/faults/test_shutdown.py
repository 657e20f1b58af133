"""SIGTERM mid-delivery, to `mems serve` and `mems scheduler` at once: each finishes the sends in flight, gives
back what it claimed, and exits 0; nothing stays leased and nothing is sent twice when delivery resumes."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.conftest import RedisServer
from tests.faults.harness import STARTUP_SECONDS, Db, Mems, environment, seed, wait_until
from tests.standins.server import free_port
from tests.standins.slack_limited import SlackStandIn

pytestmark = [pytest.mark.timeout(300), pytest.mark.faults, pytest.mark.postgres, pytest.mark.redis]


def test_sigterm_mid_delivery_finishes_or_gives_back_and_exits_zero(
        db: Db, slack: tuple[SlackStandIn, str], redis_server: RedisServer, tmp_path: Path) -> None:
    standin, api = slack
    env = environment(db, api, redis_url=redis_server.url)
    workers = [Mems(tmp_path, "serve", env, "serve", "--port", str(free_port())),
               Mems(tmp_path, "scheduler", env, "scheduler")]
    assert wait_until(lambda: "startup complete" in workers[0].log() and "running" in workers[1].log(), STARTUP_SECONDS)
    keys = seed(db, 200, 20)  # ten for each of twenty channels: several seconds of paced sending
    assert wait_until(lambda: len(standin.received) >= 40, 30), workers[0].log() + workers[1].log()
    stopped = time.monotonic()
    for worker in workers:
        worker.signal(signal.SIGTERM)
    codes = [worker.wait(30) for worker in workers]
    took = time.monotonic() - stopped
    held = db.leased()
    print(f"\nSIGTERM mid-delivery: exit codes {codes} after {took:.1f} s; {held} rows still leased; "
          f"{db.pending()} to go")
    assert codes == [0, 0], workers[0].log()[-2000:] + workers[1].log()[-2000:]
    assert held == 0
    assert db.pending() > 0  # it was stopped mid-delivery

    resumed = Mems(tmp_path, "resumed", env, "scheduler")
    assert wait_until(lambda: db.pending() == 0, 60, 0.2), resumed.log()
    resumed.signal(signal.SIGTERM)
    assert resumed.wait() == 0
    assert set(standin.counts()) == set(keys) and not standin.duplicates()
