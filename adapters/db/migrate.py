"""Apply the schema migrations programmatically; works from an installed package, not only a checkout."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision. Kept here so a start-up that finds the schema current never imports Alembic
# (a third of the console's start-up time); tests/integration/test_db_schema.py checks it against the scripts.
HEAD = "0007"


def alembic_config(url: str) -> Config:
    """Built in code: no alembic.ini to find, and the URL never goes through configparser's % interpolation."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    import logging

    from alembic import command

    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin says nothing

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
