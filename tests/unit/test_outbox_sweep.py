"""Outbox clean-up: sent rows past their retention go in small batches, by the scheduler while it is the scanner;
what is pending or dead stays, and so does any alert a scan could otherwise write again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.outbox_sweep import cutoff, sweep
from domain.notifications import AlertKind, DeliveryStatus, OutboxMessage, Target, TargetKind
from scheduler.jobs import chores
from scheduler.runner import Runner
from tests.builders import settings
from tests.fakes import FakeClock, FakeOutboxStore, Store

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)


def outbox(*rows: tuple[str, DeliveryStatus, int]) -> tuple[Store, FakeOutboxStore]:
    """(kind, status, days since it was sent) each."""
    store = Store()
    table = store.table("outbox")
    for kind, status, days in rows:
        i = store.next_id("outbox")
        sent = NOW - timedelta(days=days) if status is DeliveryStatus.SENT else None
        table[i] = OutboxMessage(key=f"{kind}:X-{i}", kind=kind, workspace_id=1,
                                 target=Target(TargetKind.CHANNEL, "C1"), payload={},
                                 created_at=NOW - timedelta(days=days), not_before=NOW, id=i, status=status,
                                 sent_at=sent)
    return store, FakeOutboxStore(store)


def left(store: Store) -> list[tuple[str, DeliveryStatus]]:
    return sorted((m.kind, m.status) for m in store.table("outbox").values())


def test_sent_rows_past_retention_go_in_batches_and_the_rest_stays() -> None:
    old = [("digest", DeliveryStatus.SENT, 40)] * 1_200
    store, fake = outbox(*old, ("digest", DeliveryStatus.SENT, 2), ("digest", DeliveryStatus.PENDING, 40),
                         ("deadline.overdue", DeliveryStatus.DEAD, 40), ("budget.threshold", DeliveryStatus.SENT, 400))
    batches: list[int] = []
    purge = fake.purge_sent

    def counted(before: datetime, limit: int, keep: frozenset[str] = frozenset()) -> int:
        batches.append(purge(before, limit, keep))
        return batches[-1]

    fake.purge_sent = counted  # type: ignore[method-assign]
    assert sweep(fake, NOW - timedelta(days=30), batch=500, pause=lambda _: None) == 1_200
    assert batches == [500, 500, 200]  # each its own transaction
    assert left(store) == [("budget.threshold", DeliveryStatus.SENT), ("deadline.overdue", DeliveryStatus.DEAD),
                           ("digest", DeliveryStatus.PENDING), ("digest", DeliveryStatus.SENT)]


def test_the_cut_off_is_never_sooner_than_a_day_past_the_scans_look_back() -> None:
    week = timedelta(days=7)
    assert cutoff(NOW, timedelta(days=30), week) == NOW - timedelta(days=30)
    assert cutoff(NOW, timedelta(days=1), week) == NOW - timedelta(days=8)  # a deadline scan still looks back 7 days


class Lock:
    def __init__(self, leading: bool) -> None:
        self.leading = leading

    def hold(self) -> bool:
        return self.leading

    def release(self) -> None:
        return None


def test_the_scheduler_sweeps_by_the_retention_setting_only_while_it_is_the_scanner() -> None:
    store, fake = outbox(("digest", DeliveryStatus.SENT, 11), ("digest", DeliveryStatus.SENT, 9),
                         (AlertKind.BUDGET_THRESHOLD.value, DeliveryStatus.SENT, 11))
    config = settings(outbox_retention_days=10)
    [chore] = chores(fake, config)
    follower = Runner(lambda command: None, Lock(False), FakeClock(NOW), config,  # type: ignore[arg-type,return-value]
                      jobs=(), chores=(chore,))
    assert follower.tidy(chore) is None and len(left(store)) == 3
    scanner = Runner(lambda command: None, Lock(True), FakeClock(NOW), config,  # type: ignore[arg-type,return-value]
                     jobs=(), chores=(chore,))
    assert scanner.tidy(chore) == 1
    assert left(store) == [(AlertKind.BUDGET_THRESHOLD.value, DeliveryStatus.SENT), ("digest", DeliveryStatus.SENT)]
