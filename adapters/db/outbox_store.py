"""The delivery side of the outbox: claim due rows under a lease, record outcomes and card copies.
Each call is its own short transaction, apart from any unit of work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, delete, func, or_, text, update
from sqlmodel import Session, col, select

from adapters.db import mappers
from adapters.db.repositories.base import upsert
from adapters.db.tables import (
    DEAD_DELIVERY,
    PENDING_DELIVERY,
    SENT_DELIVERY,
    CardCopyRow,
    OutboxRow,
    WorkerRow,
    WorkspaceRow,
)
from bot.ports import Copy, NewCopy, OutboxStore, Sent
from domain.notifications import DeliveryStatus, OutboxMessage
from domain.people import Workspace

NO_LEASE: dict[str, Any] = {"lease_owner": None, "lease_until": None}


def _free(now: datetime, lease_until: Any = OutboxRow.lease_until) -> ColumnElement[bool]:
    return or_(col(lease_until).is_(None), col(lease_until) < now)


def _due(now: datetime, due_by: datetime | None = None, leased_too: bool = False) -> ColumnElement[bool]:
    # PENDING_DELIVERY is the partial index's predicate text, so ix_outbox_due serves this scan.
    return and_(
        text(PENDING_DELIVERY),
        col(OutboxRow.not_before) <= max(now, due_by or now),
        or_(col(OutboxRow.next_attempt_at).is_(None), col(OutboxRow.next_attempt_at) <= now),
        *(() if leased_too else (_free(now),)),
    )


def _fair(now: datetime, limit: int, due_by: datetime | None, per_target: int,
          together: frozenset[str]) -> Select[tuple[int]]:
    """The ids to claim, fair across recipients: each recipient's due rows ranked oldest first, leased ones included
    (so what any worker holds counts against `per_target`), then rank 1 of every recipient before any rank 2."""
    rank = func.row_number().over(partition_by=(col(OutboxRow.workspace_id), col(OutboxRow.target_kind),
                                                col(OutboxRow.target_ref)), order_by=col(OutboxRow.id))
    place = case((col(OutboxRow.kind).in_(sorted(together)), 1), else_=rank) if together else rank
    ranked = select(col(OutboxRow.id).label("id"), col(OutboxRow.lease_until).label("lease_until"),
                    place.label("place")).where(_due(now, due_by, leased_too=True)).subquery()
    return (select(ranked.c.id).where(ranked.c.place <= per_target, _free(now, ranked.c.lease_until))
            .order_by(ranked.c.place, ranked.c.id).limit(limit))


class SqlOutboxStore:
    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self.session_factory = session_factory

    def claim(self, now: datetime, limit: int, lease_seconds: float, owner: str, due_by: datetime | None = None,
              per_target: int = 0, together: frozenset[str] = frozenset()) -> Sequence[OutboxMessage]:
        """Lease up to `limit` due rows to `owner`; two claimers never get the same row. `now` is the real time
        (leases, back-off); `due_by` a later moment whose held alerts count as due too (`mems tick --at`). With
        `per_target`, fair across recipients (see `_fair`); else the oldest due rows.

        PostgreSQL: the candidates are locked FOR UPDATE SKIP LOCKED, so a concurrent claimer passes over them.
        SQLite ignores FOR UPDATE; there the UPDATE re-checks the due condition (a compare-and-set) under the
        single write lock, and RETURNING says which rows this claimer actually won."""
        until = now + timedelta(seconds=lease_seconds)
        with self.session_factory() as session, session.begin():
            # Ordered along ix_outbox_due, so SQLite walks the index of pending rows instead of the whole table.
            if per_target:
                candidates = (select(OutboxRow.id).where(col(OutboxRow.id).in_(
                    _fair(now, limit, due_by, per_target, together))).with_for_update(skip_locked=True))
            else:
                candidates = (select(OutboxRow.id).where(_due(now, due_by))
                              .order_by(col(OutboxRow.next_attempt_at), col(OutboxRow.id)).limit(limit)
                              .with_for_update(skip_locked=True))
            wanted = list(session.exec(candidates).all())
            if not wanted:
                return []
            leased = (update(OutboxRow).where(col(OutboxRow.id).in_(wanted), _due(now, due_by))
                      .values(lease_owner=owner, lease_until=until).returning(col(OutboxRow.id)))
            won = list(session.exec(leased).scalars().all())
            rows = session.exec(select(OutboxRow).where(col(OutboxRow.id).in_(won)).order_by(col(OutboxRow.id)))
            return [mappers.outbox(r) for r in rows.all()]

    @staticmethod
    def _held(owner: str, ids: Sequence[int]) -> ColumnElement[bool]:
        return and_(col(OutboxRow.id).in_(list(ids)), col(OutboxRow.lease_owner) == owner, text(PENDING_DELIVERY))

    def renew(self, owner: str, ids: Sequence[int], now: datetime, lease_seconds: float) -> int:
        """Extend the leases `owner` still holds on these rows; a worker that dies stops renewing, and its rows come
        back once their short lease runs out."""
        with self.session_factory() as session, session.begin():
            stmt = update(OutboxRow).where(self._held(owner, ids)).values(
                lease_until=now + timedelta(seconds=lease_seconds))
            return int(session.exec(stmt).rowcount)

    def release(self, owner: str, ids: Sequence[int]) -> int:
        """Give back these rows if `owner` still holds them, due as before, no attempt counted (a worker stopping)."""
        with self.session_factory() as session, session.begin():
            stmt = update(OutboxRow).where(self._held(owner, ids)).values(**NO_LEASE)
            return int(session.exec(stmt).rowcount)

    def heartbeat(self, owner: str, now: datetime, ttl_seconds: float) -> int:
        """`owner` is alive; how many workers are (seen within `ttl_seconds`, this one included)."""
        with self.session_factory() as session, session.begin():
            stmt = upsert(session, WorkerRow).values(owner=owner, seen_at=now)
            session.exec(stmt.on_conflict_do_update(index_elements=["owner"], set_={"seen_at": now}))
            horizon = now - timedelta(seconds=ttl_seconds)
            session.exec(delete(WorkerRow).where(col(WorkerRow.seen_at) < horizon - timedelta(seconds=ttl_seconds)))
            live = session.exec(select(func.count()).select_from(WorkerRow).where(col(WorkerRow.seen_at) >= horizon))
            return max(int(live.one()), 1)

    def leave(self, owner: str) -> None:
        with self.session_factory() as session, session.begin():
            session.exec(delete(WorkerRow).where(col(WorkerRow.owner) == owner))

    def _settle(self, message_id: int, **values: Any) -> None:
        """Record an attempt's outcome. Only a pending row changes: a worker whose lease ran out must not turn a
        message that another worker has since delivered into a dead one."""
        with self.session_factory() as session, session.begin():
            session.exec(update(OutboxRow)
                         .where(col(OutboxRow.id) == message_id, text(PENDING_DELIVERY))
                         .values(**values, attempts=OutboxRow.attempts + 1, **NO_LEASE))

    # `attempts` counts every delivery attempt, the successful one included.

    def mark_sent(self, message_id: int, at: datetime) -> None:
        self._settle(message_id, status=DeliveryStatus.SENT.value, sent_at=at)

    def mark_sent_many(self, message_ids: Sequence[int], at: datetime, copy: NewCopy | None = None) -> None:
        """The platform's answer, in one short transaction: the rows (a folded message's settle together) are
        sent, and where the card landed is recorded with them, so that neither can be lost without the other."""
        with self.session_factory() as session, session.begin():
            session.exec(update(OutboxRow)
                         .where(col(OutboxRow.id).in_(list(message_ids)), text(PENDING_DELIVERY))
                         .values(status=DeliveryStatus.SENT.value, sent_at=at, attempts=OutboxRow.attempts + 1,
                                 **NO_LEASE))
            if copy is not None:
                self._copy(session, copy)

    def note_failure(self, message_id: int, error: str) -> None:
        """An attempt failed and is retried within this run: count it, keep the lease."""
        with self.session_factory() as session, session.begin():
            session.exec(update(OutboxRow).where(col(OutboxRow.id) == message_id, text(PENDING_DELIVERY))
                         .values(attempts=OutboxRow.attempts + 1, last_error=error))

    def defer(self, message_id: int, next_at: datetime, error: str | None = None) -> None:
        """Back in line at `next_at`, no attempt counted: a full rate bucket or the platform's "wait" (`error`
        then says so for `mems outbox`), nothing failed."""
        extra = {"last_error": error} if error else {}
        with self.session_factory() as session, session.begin():
            session.exec(update(OutboxRow).where(col(OutboxRow.id) == message_id, text(PENDING_DELIVERY))
                         .values(next_attempt_at=next_at, **extra, **NO_LEASE))

    def mark_retry(self, message_id: int, next_at: datetime, error: str) -> None:
        self._settle(message_id, next_attempt_at=next_at, last_error=error)

    def mark_dead(self, message_id: int, at: datetime, error: str) -> None:
        self._settle(message_id, status=DeliveryStatus.DEAD.value, dead_at=at, last_error=error)

    def record_copy(self, workspace_id: int, entity: str, sent: Sent, lang: str | None = None,
                    turn: str | None = None) -> None:
        """Remember where a card landed (in which language, and which turn of an approval its buttons act on) so a
        later change can update it in place; recording twice is harmless."""
        with self.session_factory() as session, session.begin():
            self._copy(session, NewCopy(workspace_id, entity, sent, lang, turn))

    @staticmethod
    def _copy(session: Session, copy: NewCopy) -> None:
        stmt = (upsert(session, CardCopyRow)
                .values(workspace_id=copy.workspace_id, entity=copy.entity, channel=copy.sent.channel,
                        message_ref=copy.sent.message_ref, lang=copy.lang, turn=copy.turn)
                .on_conflict_do_nothing(index_elements=["entity", "channel", "message_ref"]))
        session.exec(stmt)

    def copies(self, entity: str) -> Sequence[Copy]:
        with self.session_factory() as session:
            stmt = select(CardCopyRow).where(CardCopyRow.entity == entity).order_by(col(CardCopyRow.id))
            return [Copy(r.channel, r.message_ref, r.lang, r.turn) for r in session.exec(stmt).all()]

    def workspace(self, workspace_id: int) -> Workspace | None:
        with self.session_factory() as session:
            row = session.get(WorkspaceRow, workspace_id)
            return mappers.workspace(row) if row else None

    def depth(self, now: datetime) -> dict[str, int]:
        """Pending rows by state (the metrics' outbox depth): due now, waiting for their time, leased to a worker;
        and the dead letters (`dead`). Counted along ix_outbox_due and ix_outbox_dead, never over the sent history."""
        leased = and_(col(OutboxRow.lease_until).is_not(None), col(OutboxRow.lease_until) >= now)
        with self.session_factory() as session:
            row = session.exec(select(func.count(), func.sum(case((leased, 1), else_=0)),
                                      func.sum(case((_due(now), 1), else_=0)))
                               .where(text(PENDING_DELIVERY))).one()
            dead = session.exec(select(func.count()).select_from(OutboxRow).where(text(DEAD_DELIVERY))).one()
        total, in_flight, due = (int(value or 0) for value in row)
        return {"due": due, "waiting": total - due - in_flight, "leased": in_flight, "dead": int(dead)}

    # For `mems outbox`: what is waiting, what gave up, and putting a dead message back in line.

    def _list(self, status: DeliveryStatus, limit: int) -> Sequence[OutboxMessage]:
        with self.session_factory() as session:
            stmt = (select(OutboxRow).where(OutboxRow.status == status.value)
                    .order_by(col(OutboxRow.id)).limit(limit))
            return [mappers.outbox(r) for r in session.exec(stmt).all()]

    def list_pending(self, limit: int = 100) -> Sequence[OutboxMessage]:
        return self._list(DeliveryStatus.PENDING, limit)

    def list_dead(self, limit: int = 100) -> Sequence[OutboxMessage]:
        return self._list(DeliveryStatus.DEAD, limit)

    def replay(self, message_id: int) -> bool:
        """Dead → pending, due at once, attempts from zero; False when no dead message has that id.
        The last error stays, for whoever looks at it next."""
        with self.session_factory() as session, session.begin():
            stmt = (update(OutboxRow)
                    .where(col(OutboxRow.id) == message_id, col(OutboxRow.status) == DeliveryStatus.DEAD.value)
                    .values(status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=None, dead_at=None,
                            **NO_LEASE))
            return session.exec(stmt).rowcount > 0

    def purge_sent(self, before: datetime, limit: int, keep: frozenset[str] = frozenset()) -> int:
        """Remove up to `limit` rows sent before `before`, oldest first, along ix_outbox_sent; kinds in `keep` stay."""
        with self.session_factory() as session, session.begin():
            old = (select(OutboxRow.id).where(text(SENT_DELIVERY), col(OutboxRow.sent_at) < before,
                                              col(OutboxRow.kind).not_in(sorted(keep)))
                   .order_by(col(OutboxRow.sent_at)).limit(limit))
            return int(session.exec(delete(OutboxRow).where(col(OutboxRow.id).in_(old.scalar_subquery()))).rowcount)


def _conforms(factory: Callable[[], Session]) -> OutboxStore:
    return SqlOutboxStore(factory)  # mypy checks here that SqlOutboxStore is an OutboxStore
