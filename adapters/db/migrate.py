"""Apply the schema migrations programmatically; works from an installed package, not only a checkout."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from adapters.db.engine import make_engine, normalize_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision. Kept here so a start-up that finds the schema current never imports Alembic
# (a third of the console's start-up time); tests/integration/test_db_schema.py checks it against the scripts.
HEAD = "0020"


def alembic_config(url: str) -> Config:
    """Built in code: no alembic.ini to find, and the URL never goes through configparser's % interpolation."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url
    return config


@contextlib.contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """One migrator at a time: two processes starting on a fresh database would otherwise both create the tables,
    and one would fail with "already exists". PostgreSQL: an advisory lock per schema, held by a connection of its
    own. SQLite: an exclusive lock on a file beside the database (a lock inside the database itself would block the
    migration's own connection)."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            yield
            return
        with open(f"{parsed.database}.migrate-lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes, or the process dies
            yield
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            key = "SELECT hashtext('mems.migrate:' || current_schema())"
            connection.execute(text(f"SELECT pg_advisory_lock(({key}))"))
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text(f"SELECT pg_advisory_unlock(({key}))"))
                connection.commit()
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate under the migration lock: a second process waits, then finds the schema current."""
    import logging

    from alembic import command

    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin says nothing

    with migration_lock(url):
        command.upgrade(alembic_config(url), revision)


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None


def ensure_current(url: str, engine: Engine) -> None:
    """Bring the database to HEAD unless it is there already."""
    if current_revision(engine) != HEAD:
        upgrade(url)
