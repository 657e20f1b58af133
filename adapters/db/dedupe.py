"""De-duplication in the database: a unique key per request, with an expiry. What replicas agree on when Redis is
not configured or is down (process memory would let each replica run the same request once)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col

from adapters.db.repositories.base import upsert
from adapters.db.tables import DedupeKeyRow

MAX_KEY = 255
PURGE_ONE_IN = 200  # now and then, expired keys are deleted (a slow trickle, never a sweep of its own)


def _stored(key: str) -> str:
    return key if len(key) <= MAX_KEY else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class SqlDeduper:
    def __init__(self, session_factory: Callable[[], Session],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.session_factory = session_factory
        self.clock = clock

    def first(self, key: str, ttl_seconds: int) -> bool:
        """INSERT … ON CONFLICT DO UPDATE only when the stored key has expired: a row back means this caller is
        the first within the TTL, atomically across processes."""
        now = self.clock()
        with self.session_factory() as session, session.begin():
            expires = now + timedelta(seconds=ttl_seconds)
            stmt = upsert(session, DedupeKeyRow).values(key=_stored(key), expires_at=expires)
            stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={"expires_at": stmt.excluded.expires_at},
                                              where=col(DedupeKeyRow.expires_at) <= now).returning(DedupeKeyRow.key)
            won = session.exec(stmt).first() is not None
            if random.randrange(PURGE_ONE_IN) == 0:
                session.exec(delete(DedupeKeyRow).where(col(DedupeKeyRow.expires_at) < now))
        return won

    def forget(self, key: str) -> None:
        with self.session_factory() as session, session.begin():
            session.exec(delete(DedupeKeyRow).where(col(DedupeKeyRow.key) == _stored(key)))
