"""Leases in the database: work that must run in one process at a time (the scanner, Slack's Socket Mode) across
the workers of `mems serve --workers N` and replicas that share the database, without Redis. A lease is a row held
by its owner until it expires; the holder renews it, anyone may take it once it has run out (a killed holder's lease
passes on within its TTL)."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, or_

from adapters.db.repositories.base import upsert
from adapters.db.tables import LeaseRow

log = logging.getLogger(__name__)
TTL_SECONDS = 30.0


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class SqlLease:
    """One named lease (a `ScanLock`): `hold` takes or renews it and says whether this process holds it."""

    def __init__(self, session_factory: Callable[[], Session], name: str, ttl_seconds: float = TTL_SECONDS,
                 owner: str | None = None, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.session_factory = session_factory
        self.name = name
        self.ttl = timedelta(seconds=ttl_seconds)
        self.owner = owner or owner_id()
        self.clock = clock
        self.held = False

    def hold(self) -> bool:
        """INSERT … ON CONFLICT DO UPDATE only where the row is ours or has run out: a row back means we hold it.
        A database that cannot answer: not held (another process may hold it; the work waits for the next try)."""
        now = self.clock()
        try:
            with self.session_factory() as session, session.begin():
                stmt = upsert(session, LeaseRow).values(name=self.name, owner=self.owner, expires_at=now + self.ttl)
                taken = {"owner": stmt.excluded.owner, "expires_at": stmt.excluded.expires_at}
                stmt = stmt.on_conflict_do_update(
                    index_elements=["name"], set_=taken,
                    where=or_(col(LeaseRow.owner) == self.owner, col(LeaseRow.expires_at) <= now),
                ).returning(LeaseRow.name)
                self.held = session.exec(stmt).first() is not None
        except SQLAlchemyError as exc:
            log.warning("lease %s: the database did not answer (%s)", self.name, type(exc).__name__)
            self.held = False
        return self.held

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        with contextlib.suppress(SQLAlchemyError), self.session_factory() as session, session.begin():
            session.exec(delete(LeaseRow).where(col(LeaseRow.name) == self.name, col(LeaseRow.owner) == self.owner))
