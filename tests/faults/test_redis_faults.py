"""Redis hung (SIGSTOP) or gone: delivery keeps at least half its healthy rate with nothing sent twice; two
workers share the platform's limit between them instead of each sending at the full rate; and a request that
reaches two replicas runs once, the database deciding which."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest

from bot.entry import bootstrap
from tests.builders import settings
from tests.conftest import RedisServer
from tests.faults.harness import Db, Mems, environment, seed, wait_until
from tests.integration.slack.harness import SlackWorkspace
from tests.standins.slack import SlackStandIn as FullSlack
from tests.standins.slack_limited import SlackStandIn

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.redis]


def rate(standin: SlackStandIn, keys: list[str], timeout: float) -> float:
    """Messages a second for these keys, from the first to the last (or to `timeout` if they are not all in)."""
    wanted = set(keys)
    wait_until(lambda: wanted <= set(standin.counts()), timeout, 0.1)
    times = [r.at for r in list(standin.received) if r.key in wanted]
    if not times:
        return 0.0
    done = len(set(r.key for r in list(standin.received) if r.key in wanted))
    span = (max(times) if done == len(wanted) else time.monotonic()) - min(times)
    return done / max(span, 0.001)


def test_a_hung_redis_keeps_at_least_half_the_delivery_rate_and_sends_nothing_twice(
        db: Db, slack: tuple[SlackStandIn, str], redis_server: RedisServer, tmp_path: Path) -> None:
    standin, api = slack
    worker = Mems(tmp_path, "worker", environment(db, api, redis_url=redis_server.url), "scheduler")
    healthy = rate(standin, seed(db, 300, 300, prefix="healthy"), 30)
    assert redis_server.process is not None
    redis_server.process.send_signal(signal.SIGSTOP)
    try:
        hung = rate(standin, seed(db, 300, 300, prefix="hung"), 15)
        # Slash commands and clicks ask the de-duplication first: with Redis hung it answers from the database.
        container = bootstrap.build(settings(database_url=db.url, redis_url=redis_server.url))
        answered: list[bool] = []
        asker = threading.Thread(target=lambda: answered.extend(
            container.deduper.first(f"slack:command:T1:trig-{n}", 600) for n in range(20)), daemon=True)
        started = time.monotonic()
        asker.start()
        asker.join(timeout=10)
        asked = time.monotonic() - started
        container.close()
    finally:
        redis_server.process.send_signal(signal.SIGCONT)
    worker.signal(signal.SIGTERM)
    assert worker.wait() == 0, worker.log()
    print(f"\nhung Redis: {healthy:.0f}/s healthy, {hung:.0f}/s hung; 20 de-duplications took {asked:.2f} s")
    assert hung >= healthy / 2, worker.log()[-3000:]
    assert not standin.duplicates()
    assert answered == [True] * 20 and asked < 5


def test_two_workers_without_redis_share_the_platform_limit(
        db: Db, slack: tuple[SlackStandIn, str], redis_server: RedisServer, tmp_path: Path) -> None:
    standin, api = slack
    redis_server.stop()  # configured, and down
    env = environment(db, api, redis_url=redis_server.url)
    workers = [Mems(tmp_path, f"worker{n}", env, "scheduler") for n in (1, 2)]
    assert wait_until(lambda: all("scheduler running" in w.log() for w in workers), 30)
    time.sleep(3.0)  # each has looked for work and heard of the other (a heartbeat every 2 s)
    keys = seed(db, 360, 30)  # twelve for each of thirty channels: more than one claim, both workers send to each
    assert wait_until(lambda: set(keys) <= set(standin.counts()), 60, 0.2)
    for worker in workers:
        worker.signal(signal.SIGTERM)
    assert [w.wait() for w in workers] == [0, 0]
    print(f"\ntwo workers, Redis down: {standin.throttled} 429s for {len(keys)} messages")
    assert standin.throttled <= 2 and not standin.duplicates()


def test_the_same_slash_command_at_two_replicas_runs_once_while_redis_is_down(
        db: Db, redis_server: RedisServer) -> None:
    redis_server.stop()
    standin = FullSlack().start()
    try:
        standin.add_user("UOLIVE", "Olive")
        replicas = [SlackWorkspace(standin, db.url, redis_url=redis_server.url, admins="slack:UOLIVE")
                    for _ in range(2)]
        for replica in replicas:
            with replica:
                assert replica.command("UOLIVE", 'new "Spring Launch"', trigger="trig-same").status_code == 200
                replica.idle()
    finally:
        standin.stop()
    campaigns = db.scalar("SELECT count(*) FROM campaigns")
    print(f"\none slash command at two replicas, Redis down: {campaigns} campaign(s)")
    assert campaigns == 1
