"""Acknowledge first: a slash command or a click is kept and acknowledged without waiting for command work; when
the queue is full the asker is told at once, in their language, to try again, and nothing of it runs."""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event

from bot.actions import Action, ActionId
from bot.offload import THREADS
from tests.integration.slack.harness import SlackWorkspace, fixture, form, payload_form, text_of
from tests.standins.slack import TEAM, SlackStandIn


def _command(slack: SlackWorkspace, user: str, text: str, n: int) -> dict[str, Any]:
    fields = dict(fixture("slash_command")["fields"])
    fields.update(team_id=TEAM, user_id=user, user_name=user.lower(), channel_id="CHOME",
                  command=slack.settings.slack_command, text=text, trigger_id=f"busy-{n}",
                  response_url=slack.standin.response_url(f"busy-{n}"))
    return fields


@pytest.fixture
def blocked(standin: SlackStandIn, sqlite_url: str) -> Iterator[tuple[SlackWorkspace, threading.Event]]:
    """A workspace whose queue holds one request, and whose command threads are all busy until the event is set."""
    with SlackWorkspace(standin, sqlite_url, inbox_capacity=1) as slack:
        standin.add_user("UZH", "李娜", locale="zh-CN")
        slack.command("UZH", "list")  # Slack told MEMS her language
        gate = threading.Event()
        for _ in range(THREADS):
            slack.container.offload.pool.submit(gate.wait, 20)
        try:
            yield slack, gate
        finally:
            gate.set()


def test_a_full_queue_answers_busy_at_once_in_the_askers_language(
        blocked: tuple[SlackWorkspace, threading.Event]) -> None:
    slack, gate = blocked
    started = time.monotonic()
    first = slack.post(form(_command(slack, "UZH", 'new "Alpha"', 1)))
    second = slack.post(form(_command(slack, "UZH", 'new "Beta"', 2)))
    acked = time.monotonic() - started
    assert first.status_code == 200 and first.text == ""  # kept; its work waits for a thread
    assert second.status_code == 200 and "太忙" in second.text and "稍后再试" in second.text
    assert acked < 2  # neither acknowledgement waited for the blocked command threads
    gate.set()
    slack.idle()
    announced = [text_of(c.body) for c in slack.posted("CHOME")]
    assert any("Alpha" in a for a in announced) and not any("Beta" in a for a in announced)
    slack.command("UZH", 'new "Beta"')  # tried again in a moment: it runs
    assert any("Beta" in text_of(c.body) for c in slack.posted("CHOME"))


def test_a_click_on_a_full_queue_is_told_busy_on_its_response_url(
        blocked: tuple[SlackWorkspace, threading.Event]) -> None:
    slack, gate = blocked
    slack.post(form(_command(slack, "UZH", 'new "Alpha"', 1)))  # takes the only place
    payload = copy.deepcopy(fixture("block_actions_message")["payload"])
    payload.update(user={"id": "UZH", "username": "uzh", "team_id": TEAM}, team={"id": TEAM},
                   trigger_id="busy-click", response_url=slack.standin.response_url("busy-click"),
                   actions=[{"action_id": ActionId.SHOW.value, "block_id": "b", "type": "button",
                             "value": json.dumps(Action(ActionId.SHOW, "C-1").to_dict()), "action_ts": "1"}])
    response = slack.post(payload_form(payload))
    assert response.status_code == 200
    assert any("太忙" in text_of(h.body) for h in slack.standin.hooks)
    gate.set()
    slack.idle()


def test_a_request_is_marked_done_once(slack: SlackWorkspace) -> None:
    """A command that committed marked its request done in its own transaction: nothing marks it again. One that
    changed nothing (a mistake) is marked done after its answer."""
    marks: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if statement.startswith("UPDATE inbox SET status"):
            marks.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        slack.command("UADMIN", 'new "Spring"')
        assert len(marks) == 1 and any("C-1" in text_of(c.body) for c in slack.posted("CHOME"))
        slack.command("UADMIN", "frobnicate")
        assert len(marks) == 2 and "frobnicate" in slack.last_answer()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert slack.container.inbox.store.pending() == 0  # both done: nothing left for another process to run again
