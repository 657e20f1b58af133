"""Static answers in the acknowledgement: `help` and `templates` come back in the slash command's own HTTP answer,
in the asker's language, with nothing kept, read or written in the database and nothing sent to Slack afterwards.
A first contact goes the usual way (users.info tells MEMS the person's language, and they become a member)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event

from adapters.slack import routes
from tests.integration.slack.harness import SlackWorkspace, text_of
from tests.slack_validate import assert_valid_message
from tests.standins.slack import TEAM


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine sends meanwhile, but the inbox keeper's (it renews and looks for orphans every
    few seconds, whatever is asked)."""
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if not threading.current_thread().name.startswith("mems-inbox_"):
            sent.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def _inbox_rows(slack: SlackWorkspace) -> int:
    engine = create_engine(slack.settings.database_url)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM inbox").scalar_one())
    finally:
        engine.dispose()


def _asked(slack: SlackWorkspace, user: str, text: str, statements: list[str]) -> dict[str, Any]:
    """The acknowledgement's body; asserts that nothing was stored, read or sent for it."""
    rows, hooks, calls = _inbox_rows(slack), len(slack.standin.hooks), len(slack.standin.calls("chat.postMessage"))
    statements.clear()
    response = slack.command(user, text)
    sent = list(statements)
    assert response.status_code == 200
    assert sent == []  # no inbox row, no member read or written
    assert _inbox_rows(slack) == rows
    assert len(slack.standin.hooks) == hooks and len(slack.standin.calls("chat.postMessage")) == calls
    body: dict[str, Any] = json.loads(response.text)
    assert_valid_message(body)
    assert body["response_type"] == "ephemeral"
    return body


def test_help_is_answered_in_the_acknowledgement_in_the_askers_language(
        slack: SlackWorkspace, statements: list[str]) -> None:
    slack.standin.add_user("UZH", "李娜", locale="zh-CN")
    slack.command("UZH", "list")  # Slack told MEMS her language
    slack.command("UADMIN", "list")
    chinese = text_of(_asked(slack, "UZH", "help", statements))
    assert chinese.startswith("MEMS 命令") and "budget request" in chinese
    assert text_of(_asked(slack, "UZH", "帮助 budget", statements)).startswith("帮助：budget")
    english = text_of(_asked(slack, "UADMIN", "help budget", statements))
    assert english.startswith("Help: budget") and "budget request" in english
    assert text_of(_asked(slack, "UADMIN", "templates", statements)) == text_of(
        _asked(slack, "UADMIN", "templates", statements))


def test_a_first_contact_and_other_commands_go_the_usual_way(slack: SlackWorkspace) -> None:
    first = slack.command("UNEW", "help")  # never looked up: users.info first, then the answer on the response_url
    assert first.text == "" and "budget request" in slack.last_answer()
    assert slack.command("UNEW", "help me please").text != ""  # a topic is what people type: static too
    assert slack.command("UNEW", "list").text == ""  # any other command is kept and worked after the ack
    with slack.container.uow_factory() as uow:
        workspace = uow.workspaces.all()[0]
        assert workspace.id is not None and uow.members.get(workspace.id, "UNEW") is not None


def test_a_process_that_never_asked_users_info_learns_the_language_for_the_next_time(
        slack: SlackWorkspace, statements: list[str]) -> None:
    """A process that only acknowledges (its commands run elsewhere) asks users.info itself, in the background, the
    first time it sees someone: that request goes the usual way, the next static one comes in the acknowledgement."""
    slack.standin.add_user("UZH", "李娜", locale="zh-CN")
    slack.command("UZH", "list")
    users = slack.container.slack.users  # type: ignore[union-attr]
    users._found.clear()  # as if the command had run in another process
    slack.command("UZH", "new")  # opens a form: nothing runs a command, the acknowledgement asks users.info
    deadline = time.monotonic() + 5
    while not users.looked_up(TEAM, "UZH") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert text_of(_asked(slack, "UZH", "help", statements)).startswith("MEMS 命令")


def test_the_language_a_member_chose_beats_their_slack_locale(slack: SlackWorkspace, statements: list[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """李娜's Slack speaks Chinese, but she asked MEMS for English: help in the acknowledgement is English too, once
    the acknowledging process has read her choice again (within a minute of the change)."""
    slack.standin.add_user("UZH", "李娜", locale="zh-CN")
    slack.command("UZH", "list")
    assert text_of(_asked(slack, "UZH", "help", statements)).startswith("MEMS 命令")
    slack.command("UZH", "settings lang=en")
    later = time.monotonic() + routes.CHOSEN_TTL + 1
    monkeypatch.setattr(routes, "_now", lambda: later)  # a minute on: what this process read of her is stale
    assert slack.command("UZH", "help").text == ""  # read again: the usual way this once, in English
    assert slack.last_answer().startswith("MEMS commands")
    assert text_of(_asked(slack, "UZH", "help", statements)).startswith("MEMS commands")
