"""A console command's request id (its own, the console has no HTTP request) is on its log lines and on the outbox
rows it wrote, on SQLite and PostgreSQL; a scan is a request of its own."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from adapters.db.migrate import upgrade
from bot import logs
from bot.context import Context
from bot.entry import bootstrap, workers
from domain.people import Platform
from tests.builders import settings

ALICE = Context(Platform.CONSOLE, "local", "alice", "local", user_name="alice")


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield out
    root.removeHandler(handler)
    root.setLevel(level)


def test_a_console_command_and_a_scan_each_mark_their_rows(database_url: str, json_lines: io.StringIO) -> None:
    upgrade(database_url)
    container = bootstrap.build(settings(database_url=database_url))
    try:
        for line in ("role add @bob manager", "role add @fin finance", 'new "Launch" budget=50k'):
            assert not container.bus.execute(ALICE, line).is_error
        assert not container.bus.execute(ALICE, 'budget request C-1 20000 "Posters"').is_error
        yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
        assert not container.bus.execute(ALICE, f'task add C-1 "Print" due={yesterday}').is_error
        workers.scan_all(container, datetime.now(UTC))
        lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
        by_message = {str(line["message"]).split(" on ")[0]: line["request_id"] for line in lines
                      if line["logger"] == "bot.bus"}
        request = by_message["RequestBudget"]
        rows = container.outbox.list_pending()
        assert {row.request_id for row in rows if row.key.startswith("approval.pending:A-1")} == {request}
        overdue = {row.request_id for row in rows if row.key.startswith("deadline.overdue")}
        assert len(overdue) == 1 and overdue != {request} and None not in overdue  # the scan's own id
        assert len(set(by_message.values())) == len(by_message)  # one id per command
    finally:
        container.close()
