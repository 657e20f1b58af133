"""Delivery over HTTP to a Slack-shaped stand-in, with the outbox in SQLite and PostgreSQL: throttling honoured,
and a delivery process killed mid-batch loses nothing and repeats only the send that was in flight."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from adapters.db.outbox_store import SqlOutboxStore
from adapters.db.uow import SqlUnitOfWork
from bot.actions import Action, ActionId
from bot.cards import Button, Card
from bot.delivery import Delivery
from bot.entry.bootstrap import SystemClock
from domain.notifications import OutboxMessage, Target, TargetKind
from domain.people import Platform
from tests.integration import db_builders as build
from tests.standins.slack_limited import SlackStandIn, gateway, serving

ROOT = Path(__file__).resolve().parents[2]
UowFactory = Callable[[], SqlUnitOfWork]


def seed(new_uow: UowFactory, count: int, channels: int) -> int:
    """`count` approval cards (never folded) over `channels` channels of one Slack workspace."""
    with new_uow() as uow:
        workspace = uow.workspaces.add(build.workspace("T1", Platform.SLACK))
        assert workspace.id is not None
        card = Card("Budget request", buttons=(Button("Approve", Action(ActionId.APPROVE, "A-1")),))
        now = datetime.now(UTC)
        for n in range(count):
            target = Target(TargetKind.CHANNEL, f"C{n % channels}")
            uow.outbox.add(OutboxMessage(key=f"approval.pending:A-{n}:step1:{target}", kind="approval.pending",
                                         workspace_id=workspace.id, target=target, payload=card.to_dict(),
                                         created_at=now, not_before=now))
        uow.commit()
        return workspace.id


async def drain(store: SqlOutboxStore, base_url: str, **options: object) -> int:
    delivery = Delivery(store, {Platform.SLACK: gateway(base_url)}, SystemClock(), **options)  # type: ignore[arg-type]
    return await delivery.drain()


def test_429_with_retry_after_then_500_then_success_is_sent_once_after_the_wait(
        new_uow: UowFactory, sessions: sessionmaker[Session]) -> None:
    seed(new_uow, 1, 1)
    standin = SlackStandIn(script=[(429, {"Retry-After": "1"}), (500, {})])
    started = time.monotonic()
    with serving(standin) as base_url:
        delivered = asyncio.run(drain(SqlOutboxStore(sessions), base_url, base_backoff=0.2))
    assert delivered == 1 and len(standin.received) == 1 and standin.rejected == 2
    assert standin.received[0].at - started >= 1.0
    assert not SqlOutboxStore(sessions).list_pending()


def test_a_busy_channel_is_paced_under_the_platform_limit(new_uow: UowFactory,
                                                          sessions: sessionmaker[Session]) -> None:
    seed(new_uow, 4, 1)
    standin = SlackStandIn(per_second=1.0, burst=3)
    with serving(standin) as base_url:
        assert asyncio.run(drain(SqlOutboxStore(sessions), base_url)) == 4
    times = [r.at for r in standin.received]
    # a burst of three (Slack's; its third a quarter second late, headroom), then one a second: 1.25 s in all
    assert standin.rejected == 0 and times[-1] - times[0] >= 1.2


def test_a_send_that_reaches_slack_late_does_not_let_the_next_in_early(new_uow: UowFactory,
                                                                       sessions: sessionmaker[Session]) -> None:
    """The channel's first message takes 0.6 s to arrive (a cold connection): Slack's bucket then starts 0.6 s later
    than the worker's, and sends paced by the worker's alone would be refused. Its buckets count each send from
    Slack's answer at the latest, so none is."""
    seed(new_uow, 6, 1)
    standin = SlackStandIn(per_second=1.0, burst=3, cold=0.6)
    with serving(standin) as base_url:
        assert asyncio.run(drain(SqlOutboxStore(sessions), base_url)) == 6
    assert standin.throttled == 0 and len(standin.received) == 6


def test_a_delivery_process_killed_mid_batch_loses_nothing_and_repeats_only_the_send_in_flight(
        database_url: str, new_uow: UowFactory, sessions: sessionmaker[Session]) -> None:
    seed(new_uow, 30, 30)
    standin = SlackStandIn(per_second=None, stall_at=10)
    env = {**os.environ, "MEMS_DELIVERY_CONCURRENCY": "1", "MEMS_DELIVERY_LEASE_SECONDS": "2",
           "PYTHONPATH": str(ROOT)}
    env.pop("MEMS_REDIS_URL", None)
    command = [sys.executable, "-m", "tests.standins.deliver", database_url]
    with serving(standin) as base_url:
        first = subprocess.Popen([*command, base_url, "30"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while len(standin.received) < 10 and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.02)
        assert len(standin.received) == 10, first.communicate(timeout=5)
        first.send_signal(signal.SIGKILL)  # while request 10 is in flight
        first.wait(timeout=10)
        standin.release.set()
        second = subprocess.run([*command, base_url, "30"], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=60, check=False)
    assert second.returncode == 0, second.stderr[-2000:]
    counts = Counter(r.key for r in standin.received)
    in_flight = standin.received[9].key
    assert len(counts) == 30  # every alert delivered
    assert {key for key, n in counts.items() if n > 1} <= {in_flight}  # only the one in flight, at most twice
    assert counts[in_flight] <= 2
    store = SqlOutboxStore(sessions)
    assert not store.list_pending() and not store.list_dead()
