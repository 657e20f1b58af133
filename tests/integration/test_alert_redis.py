"""Redis for alerts: rate buckets and the scanner lock shared by replicas, and a bot that keeps working on its
in-process fallbacks while Redis is down, says so in /readyz, and recovers when it is back."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import redis
from fastapi.testclient import TestClient

from adapters.redis.client import connect
from adapters.redis.lock import RedisScanLock
from adapters.redis.ratelimit import RedisRateLimiter
from adapters.slack.gateway import rate_limits
from bot.context import Context
from bot.entry import bootstrap
from bot.entry.web import create_app
from bot.ports import Limit
from domain.notifications import OutboxMessage, Target, TargetKind
from domain.people import Platform, Workspace
from tests.builders import settings
from tests.conftest import RedisServer
from tests.fakes import FakeChatGateway


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    client = connect(redis_url)
    yield client
    client.close()


def test_replicas_share_one_bucket_per_channel(client: redis.Redis) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"
    one, two = RedisRateLimiter(client, prefix=prefix), RedisRateLimiter(client, prefix=prefix)
    channel = Limit("slack:T1:channel:C1", 1.0, 2)
    assert one.reserve([channel], 10).wait == 0 and two.reserve([channel], 10).wait == 0
    third = one.reserve([channel], 10)
    assert third.granted and 0.9 < third.wait <= 1.0  # the burst is spent across both replicas
    refused = two.reserve([channel], 0.5)
    assert not refused.granted and refused.wait > 1.5
    two.hold([channel], 30)
    assert 29 < one.reserve([channel], 60).wait <= 30
    client.delete(*client.keys(prefix + "*"))


def test_an_answer_counts_the_send_from_then_on_every_replica(client: redis.Redis) -> None:
    """A send answered now was taken by the platform no later than now: the bucket counts it from then, whichever
    replica sends next (Slack: a burst of 3, a quarter second kept back; an idle bucket would let two go at once)."""
    prefix = f"test:{uuid.uuid4().hex}:"
    one, two = RedisRateLimiter(client, prefix=prefix), RedisRateLimiter(client, prefix=prefix)
    channel = Limit("slack:T1:channel:C1", 1.0, 3, 0.25)
    one.answered([channel])  # a send that left before the bucket knew of it (another worker's, a late arrival)
    waits = [two.reserve([channel], 10).wait, one.reserve([channel], 10).wait, two.reserve([channel], 10).wait]
    assert waits == pytest.approx([0, 0.25, 1.25], abs=0.05)
    client.delete(*client.keys(prefix + "*"))


def test_one_scanner_at_a_time_and_a_released_lock_passes_on(client: redis.Redis) -> None:
    key = f"test:{uuid.uuid4().hex}:lock"
    first, second = RedisScanLock(client, ttl_seconds=5, key=key), RedisScanLock(client, ttl_seconds=5, key=key)
    assert first.hold() and not second.hold()
    assert first.hold()  # renewed, still the holder
    first.release()
    assert second.hold() and not first.hold()
    second.release()
    assert client.get(key) is None


def test_redis_stopped_mid_run_keeps_the_bot_working_and_readyz_says_so(redis_server: RedisServer,
                                                                         tmp_path: object) -> None:
    gateway = FakeChatGateway(Platform.SLACK, limits=rate_limits)
    container = bootstrap.build(settings(database_url=f"sqlite:///{tmp_path}/mems.db", redis_url=redis_server.url),
                                gateways={Platform.SLACK: gateway})
    app = TestClient(create_app(container, run_workers=False))
    ctx = Context(Platform.CONSOLE, "local", "alice", "local", user_name="alice")
    limiter = container.delivery.limiter
    assert isinstance(limiter, RedisRateLimiter)
    limiter.breaker.cool_off = 0.2  # Redis is tried again this soon after a failure (5 s in production)
    try:
        assert app.get("/readyz").status_code == 200
        redis_server.stop()
        assert not container.bus.execute(ctx, 'new "Works without Redis"').is_error
        assert container.deduper.first("event-1", 60) and not container.deduper.first("event-1", 60)
        assert container.scan_lock.hold()  # every replica scans; the natural keys keep that correct
        assert _deliver_one(container) == 1 and len(gateway.sent) == 1  # rate buckets fall back to memory
        answer = app.get("/readyz")
        assert answer.status_code == 503 and "Redis unreachable" in answer.json()["problems"]["redis"]
        assert limiter.breaker.open
        redis_server.start()
        assert app.get("/readyz").status_code == 200
        time.sleep(0.3)
        assert _deliver_one(container) == 1
        assert not limiter.breaker.open  # back in Redis
    finally:
        container.close()


def _deliver_one(container: bootstrap.Container) -> int:
    """One Slack notice, straight into the outbox, then a delivery run."""
    with container.uow_factory() as uow:
        workspace = uow.workspaces.by_key(Platform.SLACK, "T1") or uow.workspaces.add(
            Workspace(Platform.SLACK, "T1", "team", "Asia/Shanghai", "en", "CNY"))
        assert workspace.id is not None
        now = datetime.now(UTC)
        uow.outbox.add(OutboxMessage(key=f"notice:{uuid.uuid4().hex}", kind="notice", workspace_id=workspace.id,
                                     target=Target(TargetKind.CHANNEL, "C1"), payload={"title": "hello"},
                                     created_at=now, not_before=now))
        uow.commit()
    return asyncio.run(container.delivery.drain())
