"""Ledger, metrics, audit, outbox writes and subscriptions; money exact to the cent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import StatementError

from domain.audit import AuditEntry
from domain.ledger import SpendEntry
from domain.metrics import DailyMetric, totals
from domain.money import Money, total
from domain.notifications import Subscription
from tests.integration import db_builders as build
from tests.integration.db_builders import NOW, UowFactory


def spend(w: build.World, amount: str) -> SpendEntry:
    return SpendEntry(w.workspace_id, w.campaign_id, Money.of(amount, "CNY"), "print", "U1", NOW)


def test_spend_entries_round_trip_and_sum_exactly(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    with new_uow() as uow:
        first = uow.ledger.add(spend(w, "0.10"))
        uow.ledger.add(spend(w, "0.20"))
        uow.commit()
    assert first.id is not None
    with new_uow() as uow:
        entries = uow.ledger.for_campaign(w.campaign_id)
    assert entries[0] == first
    assert total([e.amount for e in entries], "CNY") == Money.of("0.30", "CNY")
    assert all(isinstance(e.amount.amount, Decimal) for e in entries)


def test_money_keeps_every_cent(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    amounts = ["0.01", "123456789.07", "99999999999999.99", "9999999999999999.99"]  # the last is Numeric(18, 2)'s max
    with new_uow() as uow:
        for amount in amounts:
            uow.ledger.add(spend(w, amount))
        uow.commit()
    with new_uow() as uow:
        stored = [str(e.amount.amount) for e in uow.ledger.for_campaign(w.campaign_id)]
    assert stored == amounts


def test_a_fraction_of_a_cent_is_refused_not_rounded(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    with new_uow() as uow, pytest.raises(StatementError, match="not a whole number of cents"):
        uow.ledger.add(spend(w, "0.125"))


def test_metrics_upsert_replaces_and_never_doubles(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    day = NOW.date()
    row = DailyMetric(w.workspace_id, w.campaign_id, day, "douyin", Decimal("0.10"), 100, 10, 1, Decimal("1.00"))
    with new_uow() as uow:
        uow.metrics.put(row)
        uow.metrics.put(row)
        uow.metrics.put(DailyMetric(w.workspace_id, w.campaign_id, day, "", Decimal("0.20"), 5, 0, 0, Decimal(0)))
        uow.commit()
    replacement = row.merged({"spend": Decimal("0.25"), "clicks": 12})
    with new_uow() as uow:
        assert uow.metrics.get(w.campaign_id, day, "douyin") == row
        uow.metrics.put(replacement)
        uow.commit()
    with new_uow() as uow:
        rows = uow.metrics.for_campaign(w.campaign_id)
        assert uow.metrics.get(w.campaign_id, day, "douyin") == replacement
        assert uow.metrics.get(w.campaign_id, day - timedelta(days=1), "douyin") is None
    assert [r.channel for r in rows] == ["", "douyin"]
    assert totals(rows).spend == Decimal("0.45") and totals(rows).clicks == 12


@pytest.mark.parametrize("many", [3, 600])  # by statement, or (600 >= COPY_FROM) by COPY on PostgreSQL
def test_a_batch_of_new_rows_then_its_re_post_read_back_as_written(new_uow: UowFactory, many: int) -> None:
    w = build.world(new_uow)
    channels = ["", "douyin", "tab\there", "back\\slash", "new\nline", "\\N", "微信"]
    batch = [DailyMetric(w.workspace_id, w.campaign_id, NOW.date() - timedelta(days=n // len(channels)),
                         channels[n % len(channels)], Decimal(n) / 100, n * 10, n, None if n % 2 else n // 2,
                         None if n % 3 else Decimal("1234567.89")) for n in range(many)]
    again = [m.merged({"spend": Decimal("0.07"), "revenue": None}) if n % 4 == 0 else m for n, m in enumerate(batch)]
    for rows in (batch, again):  # new rows, then some replaced with others as they were
        with new_uow() as uow:
            uow.metrics.put_many(rows)
            uow.commit()
        with new_uow() as uow:
            stored = uow.metrics.for_campaign(w.campaign_id)
            assert uow.metrics.totals(w.campaign_id).spend == sum(m.spend or 0 for m in rows)
        assert sorted(stored, key=lambda m: (m.day, m.channel)) == sorted(rows, key=lambda m: (m.day, m.channel))


def test_metric_counts_beyond_32_bits(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    big = DailyMetric(w.workspace_id, w.campaign_id, NOW.date(), impressions=5_000_000_000)
    with new_uow() as uow:
        uow.metrics.put(big)
        uow.commit()
    with new_uow() as uow:
        assert uow.metrics.get(w.campaign_id, NOW.date(), "") == big


def test_audit_trail_by_entity_and_by_campaign(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    entries = [
        AuditEntry(w.workspace_id, "A-1", "approval.approved", "M1", NOW + timedelta(minutes=1), w.campaign_id,
                   {"step": "1", "comment": "fine"}),
        AuditEntry(w.workspace_id, "A-1", "approval.requested", "U1", NOW, w.campaign_id, {"amount": "¥5,000.00"}),
        AuditEntry(w.workspace_id, "#C9", "subscription.added", "U1", NOW),
    ]
    with new_uow() as uow:
        for entry in entries:
            uow.audit.add(entry)
        uow.commit()
    with new_uow() as uow:
        trail = uow.audit.for_entity("A-1")
        assert [e.action for e in trail] == ["approval.requested", "approval.approved"]
        assert trail[1].detail == {"step": "1", "comment": "fine"} and trail[1].id is not None
        assert len(uow.audit.for_campaign(w.campaign_id)) == 2
        assert [e.action for e in uow.audit.for_campaign(w.campaign_id, since=NOW + timedelta(minutes=1))] == [
            "approval.approved"]
        assert uow.audit.for_entity("#C9")[0].campaign_id is None


def test_outbox_stores_each_natural_key_once(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    first = build.message(w.workspace_id, "approval.pending:A-1:step1:user:M1")
    again = build.message(w.workspace_id, "approval.pending:A-1:step1:user:M1", payload={"title": "other"})
    with new_uow() as uow:
        assert uow.outbox.add(first) is True
        assert uow.outbox.add(again) is False
        assert uow.outbox.add(build.message(w.workspace_id, "approval.pending:A-1:step1:user:M2")) is True
        uow.commit()
    assert first.id is not None and again.id is None
    with new_uow() as uow:  # a later transaction (a retried delivery of the same click) is refused too
        assert uow.outbox.add(build.message(w.workspace_id, first.key)) is False


def test_subscriptions_one_row_per_channel_and_scope(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    everything = Subscription(w.workspace_id, "C7", None, frozenset({"deadline", "approval"}))
    narrowed = Subscription(w.workspace_id, "C7", None, frozenset({"budget"}))
    one = Subscription(w.workspace_id, "C7", w.campaign_id, frozenset({"anomaly"}))
    with new_uow() as uow:
        uow.subscriptions.put(everything)
        uow.subscriptions.put(narrowed)  # replaces: NULL campaign ids must still collide
        uow.subscriptions.put(one)
        uow.subscriptions.put(one)
        uow.commit()
    with new_uow() as uow:
        assert list(uow.subscriptions.for_workspace(w.workspace_id)) == [narrowed, one]
        assert uow.subscriptions.remove(w.workspace_id, "C7", None) is True
        assert uow.subscriptions.remove(w.workspace_id, "C7", None) is False
        uow.commit()
    with new_uow() as uow:
        assert list(uow.subscriptions.for_workspace(w.workspace_id)) == [one]
        assert uow.subscriptions.for_workspace(w.workspace_id + 1) == []


def test_undo_support_corrections_removal_audit_by_actor_and_a_task_restored_under_its_id(new_uow: UowFactory) -> None:
    """Issue 11: a negative entry (a correction) is stored; an entry can be taken out again; what a person did
    lately reads back newest first; a deleted task comes back under its own id."""
    from domain.audit import AuditAction
    from domain.task import Task

    w = build.world(new_uow)
    with new_uow() as uow:
        kept = uow.ledger.add(spend(w, "3200.00"))
        wrong = uow.ledger.add(spend(w, "-1200.00"))
        task = uow.tasks.add(Task(w.workspace_id, w.campaign_id, "Book venue", NOW, due=NOW))
        for minutes, action in ((0, AuditAction.BUDGET_SPENT), (5, AuditAction.TASK_DELETED)):
            uow.audit.add(AuditEntry(w.workspace_id, "C-1", action, "U1", NOW + timedelta(minutes=minutes),
                                     w.campaign_id))
        uow.audit.add(AuditEntry(w.workspace_id, "C-1", AuditAction.TASK_EDITED, "M1", NOW, w.campaign_id))
        uow.commit()
    with new_uow() as uow:
        assert [e.action for e in uow.audit.by_actor(w.workspace_id, "U1", NOW)] == [
            AuditAction.TASK_DELETED, AuditAction.BUDGET_SPENT]
        assert uow.audit.by_actor(w.workspace_id, "U1", NOW + timedelta(minutes=6)) == []
        uow.ledger.remove(wrong.pk)
        gone = uow.tasks.get(task.pk, None)
        assert gone is not None
        uow.tasks.delete(gone)
        uow.commit()
    with new_uow() as uow:
        assert [e.id for e in uow.ledger.for_campaign(w.campaign_id)] == [kept.id]
        assert uow.tasks.get(task.pk, None) is None
        uow.tasks.restore(gone)
        uow.commit()
    with new_uow() as uow:
        back = uow.tasks.get(task.pk, None)
        assert back is not None and back.title == "Book venue" and back.due == NOW
        uow.metrics.put(DailyMetric(w.workspace_id, w.campaign_id, NOW.date(), "douyin", clicks=5))
        uow.commit()
    with new_uow() as uow:
        uow.metrics.remove(w.campaign_id, NOW.date(), "douyin")
        uow.commit()
    with new_uow() as uow:
        assert uow.metrics.get(w.campaign_id, NOW.date(), "douyin") is None
