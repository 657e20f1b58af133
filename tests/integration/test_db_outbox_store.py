"""The delivery side of the outbox: what is due, leases, outcomes, dead letters and card copies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from adapters.db.outbox_store import SqlOutboxStore
from adapters.db.tables import OutboxRow
from bot.ports import Copy, Sent
from domain.notifications import AlertKind, DeliveryStatus, Target, TargetKind
from domain.people import Platform
from tests.integration import db_builders as build
from tests.integration.db_builders import NOW, UowFactory

LEASE = 60.0


@pytest.fixture
def store(sessions: sessionmaker[Session]) -> SqlOutboxStore:
    return SqlOutboxStore(sessions)


def seed(new_uow: UowFactory, *messages: tuple[str, timedelta]) -> tuple[int, dict[str, int]]:
    """A workspace and one message per (key, delay of not_before); returns the workspace id and ids by key."""
    w = build.world(new_uow)
    ids: dict[str, int] = {}
    with new_uow() as uow:
        for key, delay in messages:
            m = build.message(w.workspace_id, key, not_before=NOW + delay)
            uow.outbox.add(m)
            ids[key] = m.id or 0
        uow.commit()
    return w.workspace_id, ids


def row(sessions: sessionmaker[Session], message_id: int) -> OutboxRow:
    with sessions() as session:
        found = session.get(OutboxRow, message_id)
        assert found is not None
        return found


def test_claim_takes_due_rows_once_until_the_lease_runs_out(new_uow: UowFactory, store: SqlOutboxStore) -> None:
    _, ids = seed(new_uow, ("now", timedelta(0)), ("earlier", -timedelta(hours=1)), ("quiet", timedelta(hours=8)))
    claimed = store.claim(NOW, limit=10, lease_seconds=LEASE, owner="a")
    assert [m.key for m in claimed] == ["now", "earlier"]  # in order of creation; the held one waits
    assert claimed[0].payload == {"title": "now"} and claimed[0].target.ref == "C1"
    assert claimed[0].meta["lease_until"] == NOW + timedelta(seconds=LEASE)
    assert store.claim(NOW + timedelta(seconds=1), limit=10, lease_seconds=LEASE, owner="b") == []
    after_crash = store.claim(NOW + timedelta(seconds=LEASE + 1), limit=10, lease_seconds=LEASE, owner="b")
    assert sorted(m.id or 0 for m in after_crash) == sorted([ids["now"], ids["earlier"]])
    for message in after_crash:
        store.mark_sent(message.id or 0, NOW + timedelta(seconds=LEASE + 2))
    assert [m.key for m in store.claim(NOW + timedelta(hours=8), 10, LEASE, "c")] == ["quiet"]


def test_claim_respects_the_limit(new_uow: UowFactory, store: SqlOutboxStore) -> None:
    seed(new_uow, *((f"k{n}", timedelta(0)) for n in range(5)))
    assert len(store.claim(NOW, limit=3, lease_seconds=LEASE, owner="a")) == 3
    assert len(store.claim(NOW, limit=3, lease_seconds=LEASE, owner="b")) == 2


def test_a_fair_claim_takes_every_channels_oldest_first_and_caps_what_one_channel_holds(
        new_uow: UowFactory, store: SqlOutboxStore) -> None:
    """Five for channel A came first, then two for B, one for C, and three overdue alerts for D that fold into one
    message: rank 1 of every channel before any rank 2, and no channel holds more than two at once, whoever holds
    them, apart from alerts that go out together."""
    w = build.world(new_uow)
    rows = [("A", "notice")] * 5 + [("B", "notice")] * 2 + [("C", "notice")] + [("D", "deadline.overdue")] * 3
    with new_uow() as uow:
        for n, (channel, kind) in enumerate(rows):
            uow.outbox.add(build.message(w.workspace_id, f"{channel}{n}", kind=kind,
                                         target=Target(TargetKind.CHANNEL, channel)))
        uow.commit()
    together = frozenset({AlertKind.DEADLINE_OVERDUE.value})
    first = store.claim(NOW, limit=7, lease_seconds=LEASE, owner="a", per_target=2, together=together)
    assert {m.key for m in first} == {"A0", "A1", "B5", "C7", "D8", "D9", "D10"}
    again = store.claim(NOW, limit=10, lease_seconds=LEASE, owner="b", per_target=2, together=together)
    assert [m.key for m in again] == ["B6"]  # A holds two already (leased to a), C and D are all out
    store.mark_sent(first[0].id or 0, NOW)
    assert [m.key for m in store.claim(NOW, 10, LEASE, "b", per_target=2, together=together)] == ["A2"]


def test_purging_removes_only_sent_rows_older_than_the_cut_off_oldest_first(
        new_uow: UowFactory, store: SqlOutboxStore) -> None:
    _, ids = seed(new_uow, *((key, timedelta(0)) for key in ("old1", "old2", "old3", "recent", "pending", "dead")))
    for key, days in (("old1", 40), ("old2", 35), ("old3", 31), ("recent", 2)):
        store.mark_sent(ids[key], NOW - timedelta(days=days))
    store.mark_dead(ids["dead"], NOW - timedelta(days=40), "channel_not_found")
    cut = NOW - timedelta(days=30)
    assert store.purge_sent(cut, limit=2) == 2
    assert store.purge_sent(cut, limit=2, keep=frozenset({"notice"})) == 0  # every row here is a notice
    assert store.purge_sent(cut, limit=2) == 1
    assert store.purge_sent(cut, limit=2) == 0
    assert [m.key for m in store.list_pending()] == ["pending"] and [m.key for m in store.list_dead()] == ["dead"]
    assert store.depth(NOW)["dead"] == 1 and len(store.claim(NOW, 10, LEASE, "a")) == 1
    assert store.purge_sent(NOW, limit=10) == 1  # "recent" once the cut-off passes it


def test_sent_messages_are_done(new_uow: UowFactory, store: SqlOutboxStore,
                                sessions: sessionmaker[Session]) -> None:
    _, ids = seed(new_uow, ("k", timedelta(0)))
    assert len(store.claim(NOW, 10, LEASE, "a")) == 1
    store.mark_sent(ids["k"], NOW + timedelta(seconds=2))
    sent = row(sessions, ids["k"])
    assert (sent.status, sent.attempts, sent.sent_at, sent.lease_owner) == ("sent", 1, NOW + timedelta(seconds=2),
                                                                              None)
    assert store.claim(NOW + timedelta(days=1), 10, LEASE, "a") == []
    assert store.list_pending() == []
    store.mark_dead(ids["k"], NOW + timedelta(minutes=5), "late report from a worker whose lease ran out")
    assert row(sessions, ids["k"]).status == "sent"


def test_a_retry_waits_until_its_time(new_uow: UowFactory, store: SqlOutboxStore) -> None:
    _, ids = seed(new_uow, ("k", timedelta(0)))
    store.claim(NOW, 10, LEASE, "a")
    store.mark_retry(ids["k"], NOW + timedelta(seconds=30), "ratelimited")
    assert store.claim(NOW + timedelta(seconds=29), 10, LEASE, "b") == []
    [again] = store.claim(NOW + timedelta(seconds=30), 10, LEASE, "b")
    assert (again.attempts, again.last_error, again.status) == (1, "ratelimited", DeliveryStatus.PENDING)


def test_dead_letters_are_listed_and_can_be_replayed(new_uow: UowFactory, store: SqlOutboxStore) -> None:
    _, ids = seed(new_uow, ("dead", timedelta(0)), ("alive", timedelta(0)))
    store.claim(NOW, 10, LEASE, "a")
    store.mark_retry(ids["dead"], NOW, "timeout")
    store.mark_dead(ids["dead"], NOW + timedelta(minutes=1), "channel_not_found")
    [dead] = store.list_dead()
    assert (dead.key, dead.status, dead.attempts, dead.last_error) == ("dead", DeliveryStatus.DEAD, 2,
                                                                       "channel_not_found")
    assert dead.meta["dead_at"] == NOW + timedelta(minutes=1)
    assert [m.key for m in store.list_pending()] == ["alive"]
    assert store.replay(ids["alive"]) is False  # only dead messages come back
    assert store.replay(10_000) is False
    assert store.replay(ids["dead"]) is True
    assert store.list_dead() == []
    later = NOW + timedelta(minutes=2)
    [replayed] = [m for m in store.claim(later, 10, LEASE, "b") if m.key == "dead"]
    assert (replayed.attempts, replayed.status) == (0, DeliveryStatus.PENDING)


def test_card_copies_are_recorded_once_and_listed_by_entity(new_uow: UowFactory, store: SqlOutboxStore) -> None:
    workspace_id, _ = seed(new_uow)
    store.record_copy(workspace_id, "A-1", Sent("D1", "111.1"))
    store.record_copy(workspace_id, "A-1", Sent("C1", "222.2"))
    store.record_copy(workspace_id, "A-1", Sent("D1", "111.1"))  # a retried send reports the same copy
    store.record_copy(workspace_id, "A-2", Sent("C1", "333.3"))
    assert store.copies("A-1") == [Copy("D1", "111.1"), Copy("C1", "222.2")]
    assert store.copies("A-9") == []


def test_workspace_lookup(new_uow: UowFactory, store: SqlOutboxStore) -> None:
    workspace_id, _ = seed(new_uow)
    found = store.workspace(workspace_id)
    assert found is not None and found.platform is Platform.SLACK and found.id == workspace_id
    assert store.workspace(workspace_id + 1) is None


def test_retract_drops_unsent_alerts_frees_keys_and_names_the_sent_ones(new_uow: UowFactory, store: SqlOutboxStore,
                                                                       sessions: sessionmaker[Session]) -> None:
    """A change made three deadline alerts about T-1 wrong: the waiting one is dropped, the sent one and the one being
    sent right now need a correction, and every natural key is free again."""
    w = build.world(new_uow)
    keys = {name: f"deadline.overdue:T-1:2026-11-24:channel:{name}" for name in ("waiting", "sent", "leased")}
    with new_uow() as uow:
        for key in keys.values():
            uow.outbox.add(build.message(w.workspace_id, key, kind="deadline.overdue", entity="T-1"))
        uow.outbox.add(build.message(w.workspace_id, "notice:T-1:x:channel:C1", entity="T-1"))  # not a deadline
        uow.commit()
    with new_uow() as uow:
        ids = {m.key: m.id or 0 for m in uow.outbox.about("T-1", [AlertKind.DEADLINE_OVERDUE])}
    assert len(ids) == 3
    [leased] = store.claim(NOW, limit=1, lease_seconds=LEASE, owner="a")
    store.mark_sent(leased.id or 0, NOW)
    [being_sent] = store.claim(NOW, limit=1, lease_seconds=LEASE, owner="a")
    with new_uow() as uow:
        corrected = uow.outbox.retract(sorted(ids.values()), NOW + timedelta(seconds=1))
        uow.commit()
    assert corrected == sorted([leased.id or 0, being_sent.id or 0])
    dropped = next(i for i in ids.values() if i not in corrected)
    assert row(sessions, dropped).status == DeliveryStatus.DROPPED.value
    assert row(sessions, dropped).key.endswith(f"~{dropped}")
    with new_uow() as uow:
        assert uow.outbox.about("T-1", [AlertKind.DEADLINE_OVERDUE]) == []
        assert uow.outbox.retract(sorted(ids.values()), NOW) == []  # retracted once only
        assert all(uow.outbox.add(build.message(w.workspace_id, key, kind="deadline.overdue", entity="T-1"))
                   for key in keys.values())  # the same alerts may come again
        uow.commit()
