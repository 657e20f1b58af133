"""Races between real connections: two approvers on one step, two delivery workers on one outbox."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest

from adapters.db.engine import make_engine, session_factory
from adapters.db.outbox_store import SqlOutboxStore
from adapters.db.repositories.base import duplicate_is_conflict
from adapters.db.tables import DecisionRow
from domain.approval import ApprovalStatus
from domain.errors import ConcurrencyConflict
from domain.people import Role
from tests.integration import db_builders as build
from tests.integration.db_builders import NOW, UowFactory

Action = Callable[[threading.Barrier], object]
ROUNDS = 20


def race(*actions: Action) -> list[object]:
    """Run the actions on threads of their own, lined up by a barrier; re-raise the first unexpected error."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = []
    errors: list[BaseException] = []

    def run(action: Action) -> None:
        try:
            results.append(action(barrier))
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def approver(new_uow: UowFactory, w: build.World, request_id: int, user: str) -> Action:
    def act(barrier: threading.Barrier) -> object:
        with new_uow() as uow:
            r = uow.approvals.get(request_id, w.workspace_id)
            assert r is not None
            r.approve(user, {Role.MANAGER}, f"yes from {user}", NOW)
            barrier.wait(timeout=10)  # both have read the pending request and decided in memory
            try:
                uow.approvals.save(r)
                uow.commit()
            except ConcurrencyConflict:
                return "conflict"
        return user
    return act


def test_two_approvers_on_one_step_exactly_one_wins(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    for _ in range(ROUNDS):
        with new_uow() as uow:
            r = uow.approvals.add(build.request(w.workspace_id, w.campaign_id))
            uow.commit()
        assert r.id is not None
        outcomes = race(approver(new_uow, w, r.id, "M1"), approver(new_uow, w, r.id, "M2"))
        assert sorted(map(str, outcomes)) in (["M1", "conflict"], ["M2", "conflict"])
        winner = next(o for o in outcomes if o != "conflict")
        with new_uow() as uow:
            stored = uow.approvals.get(r.id, w.workspace_id)
        assert stored is not None and stored.status is ApprovalStatus.APPROVED and stored.version == 1
        assert [(d.step, d.decider) for d in stored.decisions] == [(0, winner)]


def test_a_stale_decision_on_a_decided_step_is_refused_even_past_the_version_check(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    with new_uow() as uow:
        r = uow.approvals.add(build.request(w.workspace_id, w.campaign_id, steps=(Role.MANAGER, Role.MANAGER)))
        uow.commit()
    assert r.id is not None
    with new_uow() as first, new_uow() as second:
        mine, stale = first.approvals.get(r.id, None), second.approvals.get(r.id, None)
        assert mine is not None and stale is not None
        mine.approve("M1", {Role.MANAGER}, "", NOW)
        first.approvals.save(mine)
        first.commit()
        stale.approve("M2", {Role.MANAGER}, "", NOW)
        stale.version = mine.version  # as if the version check were fooled: the stored decision still wins
        with pytest.raises(ConcurrencyConflict):
            second.approvals.save(stale)
    with new_uow() as uow:
        stored = uow.approvals.get(r.id, None)
    assert stored is not None and [d.decider for d in stored.decisions] == ["M1"]


def test_the_schema_refuses_two_decisions_on_one_step(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    with new_uow() as uow:
        r = uow.approvals.add(build.request(w.workspace_id, w.campaign_id))
        assert r.id is not None
        for user in ("M1", "M2"):  # what two racing inserts would do if nothing else stopped them
            uow.session.add(DecisionRow(request_id=r.id, step=0, role="manager", decider=user, outcome="approved",
                                        at=NOW))
        with pytest.raises(ConcurrencyConflict), duplicate_is_conflict(r.ref):
            uow.session.flush()


def claimer(store: SqlOutboxStore, owner: str, claimed: list[int]) -> Action:
    def act(barrier: threading.Barrier) -> object:
        barrier.wait(timeout=10)
        while batch := store.claim(NOW, limit=7, lease_seconds=60, owner=owner):
            assert all(m.meta["lease_owner"] == owner for m in batch)
            claimed.extend(m.id for m in batch if m.id is not None)
        return owner
    return act


def test_two_delivery_workers_never_claim_the_same_row(database_url: str, new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    engines = [make_engine(database_url) for _ in range(2)]  # two processes would not share a pool either
    stores = [SqlOutboxStore(session_factory(e)) for e in engines]
    try:
        for round_ in range(5):
            with new_uow() as uow:
                for n in range(40):
                    uow.outbox.add(build.message(w.workspace_id, f"notice:{round_}:{n}",
                                                 not_before=NOW - timedelta(seconds=n)))
                uow.commit()
            first: list[int] = []
            second: list[int] = []
            race(claimer(stores[0], "worker-a", first), claimer(stores[1], "worker-b", second))
            assert not set(first) & set(second)
            assert len(first) + len(second) == 40 and len(set(first + second)) == 40
    finally:
        for e in engines:
            e.dispose()
