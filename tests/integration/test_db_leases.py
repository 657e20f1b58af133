"""Leases in the database: one holder at a time across processes, renewed by its holder, passed on when released or
when it runs out (a killed holder), and refused rather than guessed when the database does not answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from adapters.db.engine import session_factory
from adapters.db.leases import SqlLease


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


def test_one_holder_at_a_time_renewed_released_and_taken_over_when_it_runs_out(engine: Engine) -> None:
    sessions = session_factory(engine)
    clock = Clock()
    first, second = (SqlLease(sessions, "scanner", ttl_seconds=30, owner=name, clock=clock) for name in ("a", "b"))
    other = SqlLease(sessions, "slack-socket", ttl_seconds=30, owner="b", clock=clock)
    assert first.hold() and not second.hold()
    assert other.hold()  # another name is another lease
    clock.at += timedelta(seconds=20)
    assert first.hold() and not second.hold()  # renewed: 30 s from now again
    clock.at += timedelta(seconds=29)
    assert not second.hold()
    first.release()
    assert second.hold() and not first.hold()  # released: passes on at once
    clock.at += timedelta(seconds=31)  # b was killed and renews no more
    assert first.hold() and not second.hold()


def test_a_database_that_does_not_answer_holds_nothing() -> None:
    from sqlalchemy import create_engine

    unreachable = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
    lease = SqlLease(session_factory(unreachable), "scanner")
    assert not lease.hold()  # another process may hold it: the work waits for the next try
    lease.release()  # says nothing, changes nothing
