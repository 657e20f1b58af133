"""How many command workers `mems serve` starts: on PostgreSQL the web processes only acknowledge and as many command
workers as web workers run the commands; on SQLite (a laptop) one process does everything, unless asked."""

from __future__ import annotations

from bot.entry.cli.core import command_workers_for
from tests.builders import settings

POSTGRES = "postgresql+psycopg://mems@db:5432/mems"


def test_postgresql_runs_commands_apart_from_the_web_processes() -> None:
    assert command_workers_for(settings(database_url=POSTGRES), 1, None) == 1
    assert command_workers_for(settings(database_url=POSTGRES), 3, None) == 3
    assert command_workers_for(settings(database_url=POSTGRES), 2, 0) == 0  # --command-workers 0: in-process


def test_sqlite_keeps_one_process_unless_asked() -> None:
    assert command_workers_for(settings(database_url="sqlite:///mems.db"), 2, None) == 0
    assert command_workers_for(settings(database_url="sqlite:///mems.db"), 1, 2) == 2
