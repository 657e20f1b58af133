"""A request id follows a Slack command: the acknowledgement's X-Request-ID, every JSON log line its work writes, the
outbox rows its command wrote, and the lines that deliver those rows all carry the same id."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from adapters.db.engine import make_engine
from bot.logs import JsonFormatter, RequestIdFilter
from tests.integration.slack.harness import SlackWorkspace


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root, delivery = logging.getLogger(), logging.getLogger("bot.delivery")
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    delivery.setLevel(logging.DEBUG)  # a line per delivered message is DEBUG (INFO counts them once a minute)
    yield out
    root.removeHandler(handler)
    root.setLevel(level)
    delivery.setLevel(logging.NOTSET)


def lines(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]  # every line is one JSON object


def outbox_ids(slack: SlackWorkspace) -> list[str | None]:
    engine = make_engine(slack.settings.database_url)
    try:
        with engine.connect() as db:
            return [row[0] for row in db.execute(text("SELECT request_id FROM outbox ORDER BY id"))]
    finally:
        engine.dispose()


def test_one_id_from_the_acknowledgement_to_the_delivery(slack: SlackWorkspace, json_lines: io.StringIO) -> None:
    slack.command("UADMIN", "role add <@UMGR> manager")
    slack.command("UADMIN", "role add <@UFIN> finance")
    slack.command("UREQ", 'new "Traced Launch" budget=50k')
    answer = slack.command("UREQ", 'budget request C-1 20000 "Posters"')
    request_id = answer.headers["x-request-id"]
    assert len(request_id) == 16
    ids = outbox_ids(slack)
    assert request_id in ids  # the approvers' cards, written by this command
    logged = lines(json_lines)
    [command] = [line for line in logged if str(line["message"]).startswith("RequestBudget on slack:")]
    assert command["request_id"] == request_id and command["level"] == "INFO" and command["logger"] == "bot.bus"
    assert {"time", "process"} <= set(command)
    slack.deliver()
    sent = [line for line in lines(json_lines) if str(line["message"]).startswith("outbox ")
            and " sent on slack" in str(line["message"]) and line["request_id"] == request_id]
    assert len(sent) == ids.count(request_id)  # each row this command wrote, delivered under its id
    assert "xoxb-" not in json_lines.getvalue()  # the bot token is never logged


def test_a_proxys_request_id_is_kept_when_it_is_a_plain_token(slack: SlackWorkspace) -> None:
    answer = slack.command("UADMIN", 'new "Proxied"', headers={"X-Request-ID": "edge-7f3a"})
    assert answer.headers["x-request-id"] == "edge-7f3a"
    odd = slack.command("UADMIN", "help", headers={"X-Request-ID": "no spaces or {braces} please"})
    assert odd.headers["x-request-id"] != "no spaces or {braces} please" and len(odd.headers["x-request-id"]) == 16
