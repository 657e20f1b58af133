"""The delivery worker against a scriptable fake gateway: throttles, failures, dead letters, folding, buckets."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest

from adapters.console.gateway import ConsoleGateway
from adapters.feishu import gateway as feishu
from adapters.slack import gateway as slack
from bot.actions import Action, ActionId
from bot.cards import Button, Card
from bot.delivery import Delivery, backoff
from bot.delivery_summary import Summary
from bot.inprocess.ratelimit import MemoryRateLimiter
from bot.ports import DeliveryError, Limit
from domain.notifications import DeliveryStatus, OutboxMessage, Target, TargetKind
from domain.people import Platform, Workspace
from tests.fakes import FakeChatGateway, FakeClock, FakeOutboxStore, Store

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
# each platform's own buckets, as its real gateway gives them
LIMITS = {Platform.SLACK: slack.rate_limits, Platform.FEISHU: feishu.rate_limits,
          Platform.CONSOLE: ConsoleGateway(io.StringIO()).limits}


class World:
    def __init__(self, platform: Platform = Platform.SLACK, **delivery: object) -> None:
        self.store = Store()
        self.store.table("workspaces")[1] = Workspace(platform, "T1", "team", "Asia/Shanghai", "en", "CNY", id=1)
        self.clock = FakeClock(NOW)
        self.gateway = FakeChatGateway(platform, limits=LIMITS.get(platform))
        self.outbox = FakeOutboxStore(self.store)
        self.delivery = Delivery(self.outbox, {platform: self.gateway}, self.clock, **delivery)  # type: ignore[arg-type]

    def add(self, n: int = 1, kind: str = "notice", channel: str = "C1", buttons: bool = False) -> None:
        rows = self.store.table("outbox")
        for _ in range(n):
            i = self.store.next_id("outbox")
            card = Card(title=f"alert {i}", buttons=(Button("Approve", Action(ActionId.APPROVE, "A-1")),)
                        if buttons else ())
            rows[i] = OutboxMessage(key=f"{kind}:X-{i}:p:channel:{channel}", kind=kind, workspace_id=1,
                                    target=Target(TargetKind.CHANNEL, channel), payload=card.to_dict(),
                                    created_at=NOW, not_before=NOW, id=i)

    def run(self) -> int:
        return asyncio.run(self.delivery.drain())

    def row(self, i: int = 1) -> OutboxMessage:
        return self.store.table("outbox")[i]


def test_429_then_500_then_success_is_delivered_once_after_the_wait() -> None:
    world = World(base_backoff=0.2)
    world.gateway.fail(1, DeliveryError("ratelimited", retry_after=1.0)).fail(1, DeliveryError("HTTP 500"))
    world.add()
    assert world.run() == 1
    (t429, _), (t500, _), (tok, key) = world.gateway.attempts
    assert t500 - t429 >= 1.0 and tok > t500  # waited out Retry-After, then backed off
    assert [k for _, _, k in world.gateway.sent] == [key]
    # The 429 was not an attempt: the 500 and the success were.
    assert world.row().status is DeliveryStatus.SENT and world.row().attempts == 2


def test_throttling_is_never_an_attempt_however_often_it_comes() -> None:
    world = World(max_attempts=3)
    start = world.clock.now()

    async def sleep(seconds: float) -> None:
        world.clock.advance(seconds=seconds)

    world.delivery.sleep = sleep
    world.delivery.limiter = MemoryRateLimiter(clock=lambda: world.clock.now().timestamp())
    world.gateway.fail(8, DeliveryError("ratelimited", retry_after=1.0))
    world.add()
    assert world.run() == 1  # eight 429s in a row, waited out as told, then sent: not dead after three "attempts"
    assert world.row().status is DeliveryStatus.SENT and world.row().attempts == 1
    assert world.row().sent_at is not None and (world.row().sent_at - start).total_seconds() >= 8


def test_a_wait_longer_than_ten_seconds_is_left_to_the_next_run() -> None:
    world = World()
    world.delivery.limiter = MemoryRateLimiter(clock=lambda: world.clock.now().timestamp())
    world.gateway.fail(1, DeliveryError("ratelimited", retry_after=30))
    world.add()
    assert world.run() == 0
    row = world.row()
    assert row.status is DeliveryStatus.PENDING and row.attempts == 0 and row.last_error == "ratelimited"
    assert row.meta["next_attempt_at"] == NOW + timedelta(seconds=30)
    assert world.run() == 0  # not due yet
    world.clock.advance(seconds=31)
    assert world.run() == 1 and len(world.gateway.sent) == 1


def test_a_permanent_error_is_dead_at_once_with_its_hint_and_can_be_replayed() -> None:
    world = World()
    world.gateway.fail(1, DeliveryError("channel_not_found", permanent=True, hint="Invite the bot to #C1."))
    world.add()
    world.run()
    assert world.row().status is DeliveryStatus.DEAD and world.row().last_error == "Invite the bot to #C1."
    assert [m.id for m in world.outbox.list_dead()] == [1]
    assert world.outbox.replay(1) and world.run() == 1


def test_after_the_last_try_a_message_is_dead() -> None:
    world = World(max_attempts=3, base_backoff=0.01)
    world.gateway.fail(5, DeliveryError("HTTP 503"))
    world.add()
    assert world.run() == 0
    assert world.row().status is DeliveryStatus.DEAD and world.row().attempts == 3 and not world.gateway.sent


def test_an_unexpected_exception_keeps_the_message_for_later() -> None:
    world = World(base_backoff=60)
    world.gateway.failures.append(RuntimeError("boom"))  # type: ignore[arg-type]
    world.add()
    assert world.run() == 0
    assert world.row().status is DeliveryStatus.PENDING and world.row().last_error == "RuntimeError"


def test_info_counts_what_went_out_in_one_line_and_each_failure_is_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    """A 09:00 digest is thousands of messages: one INFO line counts them (each message's own line is DEBUG), while
    a failed attempt and a dead letter still get a WARNING line each, naming the message."""
    world = World(Platform.CONSOLE, base_backoff=0.01)
    world.gateway.fail(1, DeliveryError("HTTP 500")).fail(1, DeliveryError("channel_not_found", permanent=True))
    world.add(6)
    with caplog.at_level(logging.DEBUG, logger="bot.delivery"):
        assert world.run() == 5
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert [re.sub(r"last \d+ s", "last N s", line) for line in info] == [
        "delivery on console in the last N s: 5 row(s) sent in 5 message(s); 1 retried in run, 1 dead"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and "HTTP 500" in warnings[0] and "is dead" in warnings[1]
    assert sum("sent on console" in r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG) == 5


def test_a_burst_of_overdue_alerts_folds_but_approval_cards_do_not() -> None:
    world = World(Platform.CONSOLE)
    world.add(5, kind="deadline.overdue")
    world.add(3, kind="approval.pending", buttons=True)
    world.add(1, kind="deadline.overdue", channel="C2")
    assert world.run() == 9
    titles = sorted(card.title for _, card, _ in world.gateway.sent)
    assert titles == ["5 alerts", "alert 6", "alert 7", "alert 8", "alert 9"]


def test_a_channel_over_its_bucket_is_deferred_not_failed() -> None:
    """Slack: 1 a second per channel after a burst of 3 (the third a quarter second late: headroom); at most 10 s of
    waiting within a run. The bucket is asked at the moment of sending, on a clock that the (fake) sleeps move on
    (faster than the leases are renewed, so they are long here). Claimed all at once (a deep lane), the rows beyond
    10 s go back in line."""
    world = World(lease_seconds=60, lane_depth=50)
    start = world.clock.now()

    async def sleep(seconds: float) -> None:
        world.clock.advance(seconds=seconds)

    world.delivery.sleep = sleep
    world.delivery.limiter = MemoryRateLimiter(clock=lambda: world.clock.now().timestamp())
    world.add(20, kind="approval.pending", buttons=True)
    assert world.run() == 13
    sent_at = [round((at - start).total_seconds()) for at in (r.sent_at for r in world.store.table("outbox").values())
               if at is not None]
    assert sorted(sent_at) == [0, 0, 0, *range(1, 11)]
    deferred = [r for r in world.store.table("outbox").values() if r.status is DeliveryStatus.PENDING]
    assert len(deferred) == 7 and all(r.attempts == 0 for r in deferred)


def test_a_busy_channel_holds_a_few_rows_at_a_time_and_all_go_out_in_one_run() -> None:
    """Its rows are claimed as its lane frees (never more than `lane_depth` leased), so none waits its turn leased
    and none is deferred: 20 messages, one a second after the burst, each in one attempt."""
    world = World(lease_seconds=60, lane_depth=4)
    start = world.clock.now()
    held: list[int] = []
    claim = world.outbox.claim

    def claiming(*args: object, **kwargs: object) -> object:
        rows = claim(*args, **kwargs)  # type: ignore[arg-type]
        held.append(sum(1 for r in world.store.table("outbox").values()
                        if r.status is DeliveryStatus.PENDING and r.meta.get("lease_owner")))
        return rows

    async def sleep(seconds: float) -> None:
        world.clock.advance(seconds=seconds)

    world.outbox.claim = claiming  # type: ignore[method-assign]
    world.delivery.sleep = sleep
    world.delivery.limiter = MemoryRateLimiter(clock=lambda: world.clock.now().timestamp())
    world.add(20, kind="approval.pending", buttons=True)
    assert world.run() == 20
    rows = list(world.store.table("outbox").values())
    sent_at = sorted(round((r.sent_at - start).total_seconds(), 2) for r in rows if r.sent_at is not None)
    assert sent_at == [0, 0, 0.25, *(n + 0.25 for n in range(1, 18))]
    assert all(r.attempts == 1 for r in rows) and max(held) <= 4


@pytest.mark.parametrize(("platform", "expected"), [
    (Platform.FEISHU, [0] * 5 + [0.2 * n for n in range(1, 8)]),  # 5 a second per chat after a burst of 5
    (Platform.CONSOLE, [0] * 12),  # a terminal takes whatever comes
])
def test_each_platform_paces_a_chat_by_its_own_gateways_limits(platform: Platform, expected: list[float]) -> None:
    world = World(platform, lease_seconds=60)
    start = world.clock.now()

    async def sleep(seconds: float) -> None:
        world.clock.advance(seconds=seconds)

    world.delivery.sleep = sleep
    world.delivery.limiter = MemoryRateLimiter(clock=lambda: world.clock.now().timestamp())
    world.add(12, kind="approval.pending", buttons=True)
    assert world.run() == 12
    sent_at = sorted((r.sent_at - start).total_seconds() for r in world.store.table("outbox").values()
                     if r.sent_at is not None)
    assert sent_at == pytest.approx(expected, abs=0.02)


def test_each_channel_has_its_own_bucket_and_feishu_also_an_app_bucket() -> None:
    limiter = MemoryRateLimiter(clock=lambda: 0.0)
    a, b = Limit("slack:T1:channel:A", 1.0, 2), Limit("slack:T1:channel:B", 1.0, 2)
    assert [limiter.reserve([a], 10).wait for _ in range(3)] == [0, 0, 1]
    assert limiter.reserve([b], 10).wait == 0
    app = Limit("feishu:app", 50.0, 50)
    chats = [Limit(f"feishu:T1:channel:{n}", 5.0, 5) for n in range(20)]
    waits = [limiter.reserve([chat, app], 10).wait for chat in chats for _ in range(5)]
    # The app's 50 a second binds across chats before any one chat's 5 a second does.
    assert waits[:50] == pytest.approx([0] * 50) and waits[50] == pytest.approx(0.02)


def test_a_429_holds_the_whole_channel() -> None:
    limiter = MemoryRateLimiter(clock=lambda: 100.0)
    channel = Limit("slack:T1:channel:A", 1.0, 2)
    limiter.hold([channel], 7)
    assert limiter.reserve([channel], 10).wait == pytest.approx(7)


def test_backoff_grows_exponentially_with_jitter() -> None:
    assert 2.5 <= backoff(1) <= 5 and 5 <= backoff(2) <= 10 and 20 <= backoff(4) <= 40
    assert backoff(40) <= 3600


def test_two_workers_without_a_shared_store_each_take_half_of_every_bucket() -> None:
    limiter = MemoryRateLimiter(clock=lambda: 0.0)
    channel = Limit("slack:T1:channel:A", 1.0, 2)
    limiter.share(2)  # two workers alive: half the rate, half the burst
    assert [limiter.reserve([channel], 10).wait for _ in range(3)] == [0, 2, 4]
    limiter.share(1)
    assert MemoryRateLimiter(clock=lambda: 0.0).reserve([channel], 10).wait == 0


def test_a_long_run_says_what_it_delivered_once_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    summary = Summary(every=60, clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="bot.delivery"):
        for second in range(150):  # a message a second for two and a half minutes
            now[0] = float(second)
            summary.count("slack", "sent", 1, messages=1)
        summary.flush()
    assert [r.getMessage() for r in caplog.records] == [
        "delivery on slack in the last 60 s: 61 row(s) sent in 61 message(s)",
        "delivery on slack in the last 60 s: 60 row(s) sent in 60 message(s)",
        "delivery on slack in the last 29 s: 29 row(s) sent in 29 message(s)"]
