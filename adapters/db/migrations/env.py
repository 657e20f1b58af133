"""Alembic environment: the URL (or an open connection) comes from the caller, else MEMS_DATABASE_URL."""

from __future__ import annotations

import os
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from adapters.db.engine import make_engine, normalize_url
from adapters.db.tables import metadata
from adapters.db.types import Amount, UtcDateTime

config = context.config


def database_url() -> str:
    url = config.attributes.get("url") or os.environ.get("MEMS_DATABASE_URL")
    if not url:
        raise RuntimeError("no database URL: pass one to adapters.db.migrate.upgrade or set MEMS_DATABASE_URL")
    return str(url)


def render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write our column types as plain SQLAlchemy types, so migration scripts never import application code."""
    if kind != "type":
        return False
    if isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, Amount):
        return "sa.Numeric(precision=18, scale=2).with_variant(sa.BigInteger(), 'sqlite')"
    return False


def configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_item=render_item,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(url=normalize_url(database_url()), target_metadata=metadata, render_item=render_item,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        configure(connection)
        return
    engine = make_engine(database_url())
    try:
        with engine.connect() as connection:
            configure(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
