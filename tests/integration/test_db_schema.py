"""The schema itself: migrations match the tables, engines are set up right, the scans use their indexes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from adapters.db.engine import make_engine, normalize_url
from adapters.db.migrate import MIGRATIONS, alembic_config, upgrade
from adapters.db.outbox_store import SqlOutboxStore
from adapters.db.tables import metadata
from tests.integration.db_builders import NOW, UowFactory


def test_upgrade_from_empty_leaves_nothing_for_autogenerate(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_up_again(database_url: str) -> None:
    upgrade(database_url)
    command.downgrade(alembic_config(database_url), "base")
    engine = make_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        upgrade(database_url)
        engine.dispose()
        assert set(inspect(engine).get_table_names()) == {*metadata.tables, "alembic_version"}
    finally:
        engine.dispose()


def test_migrations_are_found_beside_the_package_not_the_working_directory() -> None:
    assert (MIGRATIONS / "env.py").is_file() and (MIGRATIONS / "script.py.mako").is_file()
    assert (MIGRATIONS / "versions" / "0001_initial.py").is_file()
    assert (MIGRATIONS / "versions" / "__init__.py").is_file()  # a package: installs always carry the scripts


@pytest.mark.parametrize(("given", "driver"), [
    ("postgres://u:p@db:5432/mems", "postgresql+psycopg"),
    ("postgresql://u:p@db/mems", "postgresql+psycopg"),
    ("postgresql+psycopg://u@db/mems", "postgresql+psycopg"),
    ("sqlite:///./mems.db", "sqlite"),
])
def test_database_urls_are_normalised_to_psycopg_3(given: str, driver: str) -> None:
    assert normalize_url(given).drivername == driver


def test_sqlite_connections_get_wal_busy_timeout_and_foreign_keys(tmp_path: Any) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        with engine.connect() as conn:
            found = [conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                     for name in ("journal_mode", "busy_timeout", "foreign_keys")]
        assert found == ["wal", 10_000, 1]
    finally:
        engine.dispose()


def plan(engine: Engine, run: Callable[[], object], table: str, verb: str = "SELECT") -> str:
    """The query plan of the first `verb` (SELECT, DELETE) on `table` that `run` sends, as the database would
    execute it."""
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        sent.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, params = next((s, p) for s, p in sent if s.lstrip().startswith(verb) and f"FROM {table}" in s)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET enable_seqscan = off"))  # the tables are tiny; ask what it would do at size
            return "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {statement}", params))
        return "\n".join(r[3] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params))


def test_the_overdue_scan_uses_the_partial_index(engine: Engine, new_uow: UowFactory) -> None:
    def scan() -> None:
        with new_uow() as uow:
            uow.tasks.open_due_before(None, NOW)

    assert "ix_tasks_open_due" in plan(engine, scan, "tasks")


def test_the_outbox_claim_uses_the_partial_index(engine: Engine, sessions: sessionmaker[Session]) -> None:
    store = SqlOutboxStore(sessions)
    query = plan(engine, lambda: store.claim(NOW, 10, 60, "a"), "outbox")
    assert "ix_outbox_due" in query
    assert "SCAN outbox\n" not in f"{query}\n"  # never a walk over every message ever sent



def test_the_dead_letter_count_uses_its_partial_index(engine: Engine, sessions: sessionmaker[Session]) -> None:
    """Every metrics scrape counts the dead letters: along ix_outbox_dead, never over every message ever sent."""
    query = plan(engine, lambda: SqlOutboxStore(sessions).depth(NOW), "outbox \nWHERE status = 'dead'")
    assert "ix_outbox_dead" in query and "SCAN outbox\n" not in f"{query}\n"


def test_the_outbox_sweep_uses_its_partial_index(engine: Engine, sessions: sessionmaker[Session]) -> None:
    """Removing old sent rows walks ix_outbox_sent from the oldest, never the whole table."""
    query = plan(engine, lambda: SqlOutboxStore(sessions).purge_sent(NOW, 500), "outbox", verb="DELETE")
    assert "ix_outbox_sent" in query and "SCAN outbox\n" not in f"{query}\n"


def test_head_constant_names_the_newest_migration(database_url: str) -> None:
    """Start-up skips Alembic when the schema is at HEAD, so HEAD must be the scripts' real head."""
    from alembic.script import ScriptDirectory

    from adapters.db.engine import make_engine
    from adapters.db.migrate import HEAD, alembic_config, current_revision, ensure_current

    script_head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert script_head == HEAD, f"set adapters.db.migrate.HEAD = {script_head!r} after adding a migration"
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    ensure_current(database_url, engine)
    assert current_revision(engine) == HEAD
    engine.dispose()
