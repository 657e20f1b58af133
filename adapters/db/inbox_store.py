"""The inbox in the database: chat requests written before their acknowledgement, leased to the process that works
them, taken over when that process dies. Each call is its own short transaction; `finish_in` marks a request done
inside the command's own transaction, so a command runs once even if its process dies right after committing."""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, and_, bindparam, delete, func, text, update
from sqlmodel import Session, col, select

from adapters.db.repositories.base import upsert
from adapters.db.tables import PENDING_DELIVERY, InboxRow
from adapters.db.types import UtcDateTime
from bot.ports import InboxItem

MAX_KEY = 255


def stored_key(key: str) -> str:
    return key if len(key) <= MAX_KEY else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _item(row: InboxRow) -> InboxItem:
    return InboxItem(row.id, row.key, row.platform, row.kind, dict(row.payload), row.attempts)


BELL = "mems_inbox"  # PostgreSQL's notification channel: a request was kept for the command workers
KEEP = text(f"""
    WITH queued AS (SELECT count(*) AS n FROM inbox WHERE {PENDING_DELIVERY}),
    kept AS (
        INSERT INTO inbox (id, key, platform, kind, payload, status, attempts, lease_owner, lease_until, created_at)
        SELECT :id, :key, :platform, :kind, :payload, 'pending', 0, NULL, :lease_until, :now
        FROM queued, (SELECT pg_notify('{BELL}', '')) AS bell WHERE queued.n < :capacity
        ON CONFLICT (key) DO NOTHING RETURNING id)
    SELECT (SELECT n FROM queued), (SELECT id FROM kept)""").bindparams(
    bindparam("payload", type_=JSON), bindparam("lease_until", type_=UtcDateTime), bindparam("now", type_=UtcDateTime))


class SqlInboxStore:
    def __init__(self, session_factory: Callable[[], Session], listen: Callable[[], Any] | None = None) -> None:
        self.session_factory = session_factory
        self._listen = listen  # PostgreSQL: a new autocommit connection of its own, for LISTEN
        self._bell: Any = None

    def put(self, item: InboxItem, owner: str | None, lease_until: datetime, now: datetime) -> bool:
        with self.session_factory() as session, session.begin():
            stmt = upsert(session, InboxRow).values(
                id=item.id, key=stored_key(item.key), platform=item.platform, kind=item.kind, payload=item.payload,
                status="pending", attempts=0 if owner is None else 1, lease_owner=owner, lease_until=lease_until,
                created_at=now)
            stmt = stmt.on_conflict_do_nothing(index_elements=["key"]).returning(InboxRow.id)
            return session.exec(stmt).first() is not None

    def keep(self, item: InboxItem, lease_until: datetime, now: datetime, capacity: int) -> bool | None:
        """On PostgreSQL one statement: counted against the bound, kept unleased, the workers' bell rung (a repeat
        rings it too, harmlessly); elsewhere `pending` then `put`."""
        if self._listen is None:
            return None if self.pending() >= capacity else self.put(item, None, lease_until, now)
        with self.session_factory() as session, session.begin():
            queued, kept = session.connection().execute(KEEP, dict(
                id=item.id, key=stored_key(item.key), platform=item.platform, kind=item.kind, payload=item.payload,
                lease_until=lease_until, now=now, capacity=capacity)).one()
        if kept is not None:
            return True
        return None if queued >= capacity else False

    def wait(self, timeout: float) -> bool:
        """Block until a request is kept unleased (True) or `timeout` seconds pass (False). Without PostgreSQL's
        notifications (SQLite) only the time passes."""
        if self._listen is None:
            time.sleep(timeout)
            return False
        if self._bell is None:
            self._bell = self._listen()
            self._bell.execute(f"LISTEN {BELL}")
        try:
            return any(True for _ in self._bell.notifies(timeout=timeout))
        except Exception:
            bell, self._bell = self._bell, None  # a new connection next time
            with contextlib.suppress(Exception):
                bell.close()
            raise

    def close(self) -> None:
        if self._bell is not None:
            with contextlib.suppress(Exception):
                self._bell.close()
            self._bell = None

    def claim(self, owner: str, now: datetime, lease_until: datetime, limit: int) -> list[InboxItem]:
        """PostgreSQL skips rows another claimer has locked; SQLite re-checks the lease in the UPDATE (under its
        single write lock), and RETURNING says which rows this claimer won."""
        orphan = and_(text(PENDING_DELIVERY), col(InboxRow.lease_until) < now)
        with self.session_factory() as session, session.begin():
            wanted = list(session.exec(select(InboxRow.id).where(orphan).order_by(col(InboxRow.lease_until))
                                       .limit(limit).with_for_update(skip_locked=True)).all())
            if not wanted:
                return []
            won = list(session.exec(update(InboxRow).where(col(InboxRow.id).in_(wanted), orphan).values(
                lease_owner=owner, lease_until=lease_until, attempts=InboxRow.attempts + 1)
                .returning(col(InboxRow.id))).scalars().all())
            rows = session.exec(select(InboxRow).where(col(InboxRow.id).in_(won)).order_by(col(InboxRow.created_at)))
            return [_item(r) for r in rows.all()]

    def renew(self, owner: str, ids: Sequence[str], lease_until: datetime) -> int:
        if not ids:
            return 0
        with self.session_factory() as session, session.begin():
            stmt = update(InboxRow).where(text(PENDING_DELIVERY), col(InboxRow.lease_owner) == owner,
                                          col(InboxRow.id).in_(list(ids))).values(lease_until=lease_until)
            return int(session.exec(stmt).rowcount)

    def done(self, item_id: str, now: datetime) -> None:
        with self.session_factory() as session, session.begin():
            finish(session, item_id, now)

    def pending(self) -> int:
        with self.session_factory() as session:
            return int(session.exec(select(func.count()).select_from(InboxRow).where(text(PENDING_DELIVERY))).one())

    def purge(self, before: datetime) -> int:
        with self.session_factory() as session, session.begin():
            stmt = delete(InboxRow).where(col(InboxRow.done_at) < before)
            return int(session.exec(stmt).rowcount)


def finish(session: Session, item_id: str, now: datetime) -> bool:
    """Mark the request done; False when it already was (another process ran it)."""
    stmt = update(InboxRow).where(col(InboxRow.id) == item_id, text(PENDING_DELIVERY)).values(
        status="done", done_at=now, lease_owner=None)
    return bool(session.exec(stmt).rowcount)
