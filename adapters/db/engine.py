"""Engines and sessions: SQLite tuned for several threads and processes, PostgreSQL through psycopg 3."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

BUSY_TIMEOUT_MS = 10_000
POSTGRES_PREFIXES = ("postgres://", "postgresql://")
PSYCOPG = "postgresql+psycopg"


def normalize_url(url: str) -> URL:
    """Accept the postgres:// and postgresql:// spellings that hosting providers hand out; use psycopg 3."""
    for prefix in POSTGRES_PREFIXES:
        if url.startswith(prefix):
            url = f"{PSYCOPG}://{url[len(prefix):]}"
    return make_url(url)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the one writer; busy_timeout makes a second writer wait for the lock
    # instead of failing at once; foreign keys are off in SQLite unless asked for, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    # Domain objects are mapped out of rows at once, so there is nothing to expire after a commit.
    return sessionmaker(bind=engine, class_=Session, expire_on_commit=False)
