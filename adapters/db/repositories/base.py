"""What the repositories share: conflict translation, inserts that return ids, versioned updates, upserts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from sqlalchemy import Table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

from adapters.db.tables import Base
from domain.errors import ConcurrencyConflict

RowT = TypeVar("RowT", bound=Base)
UNIQUE_VIOLATION = "23505"  # PostgreSQL SQLSTATE
SQLITE_UNIQUE = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}


class Versioned(Protocol):
    id: int | None
    version: int

    @property
    def ref(self) -> str: ...


def is_unique_violation(exc: IntegrityError) -> bool:
    """A duplicate key, as opposed to a broken foreign key or a missing value (which are bugs)."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == UNIQUE_VIOLATION:
        return True
    return getattr(orig, "sqlite_errorname", None) in SQLITE_UNIQUE


def is_transient(exc: BaseException) -> bool:
    """A failure of the connection or a momentary refusal (a terminated backend, a restart, a deadlock, a busy
    SQLite file), as opposed to a bug or bad data: running the same work again may well succeed."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


@contextmanager
def duplicate_is_conflict(ref: str) -> Iterator[None]:
    """Someone else wrote the same unique key first: the caller reloads and sees their row."""
    try:
        yield
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise ConcurrencyConflict(ref) from exc
        raise


def insert(session: Session, row: Base, ref: str) -> int:
    """Add and flush, so the generated id is known; returns it."""
    session.add(row)
    with duplicate_is_conflict(ref):
        session.flush()
    new_id = getattr(row, "id", None)
    assert isinstance(new_id, int)
    return new_id


def fetch(session: Session, stmt: SelectOfScalar[RowT]) -> Sequence[RowT]:
    """Fresh rows, as plain rows of the table's columns (read by attribute, as the mappers do) rather than ORM objects:
    every repository maps them into the domain at once, so the identity map, instance state and refreshing them
    (populate_existing) were work for nothing on every read. What the session holds unflushed goes first, as an ORM
    query's autoflush would send it."""
    session.flush()  # nothing to do when nothing is pending
    result = session.connection().execute(stmt)
    described = stmt.column_descriptions
    if len(described) == 1 and isinstance(described[0]["expr"], type):  # select(SomeRow): its columns
        return result.all()  # type: ignore[return-value]
    return result.scalars().all()


def fetch_one(session: Session, stmt: SelectOfScalar[RowT]) -> RowT | None:
    rows = fetch(session, stmt.limit(1))
    return rows[0] if rows else None


def save_versioned(session: Session, row_type: type[Base], obj: Versioned, values: dict[str, Any]) -> None:
    """UPDATE ... WHERE id AND version = the one we read; no row means another writer got there first.
    The caller bumps `obj.version` once everything it writes has gone through."""
    table: Table = row_type.__table__  # type: ignore[attr-defined]
    stmt = (update(table)
            .where(table.c.id == obj.id, table.c.version == obj.version)
            .values(**values, version=table.c.version + 1))
    if session.exec(stmt).rowcount != 1:
        raise ConcurrencyConflict(obj.ref)


def upsert(session: Session, row_type: type[Base]) -> Any:
    """INSERT ... ON CONFLICT for the session's dialect (both spell it the same way in SQLAlchemy)."""
    table = row_type.__table__  # type: ignore[attr-defined]
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"MEMS stores data in SQLite or PostgreSQL, not {name}")
