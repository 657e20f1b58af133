"""What the bus promises: bad input changes nothing, a bug never reaches the chat as a traceback."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from bot.bus import HANDLERS
from domain import commands as c
from tests.builders import TestBot


@pytest.mark.parametrize("text", [
    "new", "task add C-1", "budget request C-1 abc reason", 'new "unterminated', "approve", "frobnicate C-1",
    "metrics C-1 spend=-5", "task add C-9 x", "role add @bob wizard", "new X budget=1.234", "\x00\x01",
    "new X kpi.foo=3", "settings tz=Nowhere/City",
])
def test_malformed_commands_change_nothing(text: str) -> None:
    bot = TestBot()
    bot.ok("olive", "new Existing")
    before = copy.deepcopy(bot.store.rows)
    commits = bot.store.commits
    reply = bot.say("olive", text)
    assert reply.is_error and not reply.public
    assert "Traceback" not in reply.text and reply.text.strip()
    assert bot.store.rows == before and bot.store.commits == commits


def test_an_unexpected_error_gives_a_reference_not_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    def broken(cmd: c.ListTemplates, env: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setitem(HANDLERS, c.ListTemplates, broken)
    bot = TestBot()
    reply = bot.say("olive", "templates")
    assert reply.is_error and "Something went wrong on our side (ref " in reply.text
    assert "fire" not in reply.text and "Traceback" not in reply.text
    assert "database on fire" in caplog.text


def test_quiet_hours_hold_direct_messages_until_they_end() -> None:
    bot = TestBot()
    bot.clock.at = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    bot.ok("li", "settings quiet=22:00-08:00")
    bot.ok("olive", "new X")
    bot.ok("olive", "task add C-1 Thing @li")
    [message] = [m for m in bot.store.table("outbox").values() if m.target.ref == "li"]
    assert message.not_before == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    assert bot.deliver() == 0
    bot.clock.at = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    assert bot.deliver() == 1


def test_settings_are_personal_and_change_the_language() -> None:
    bot = TestBot()
    text = bot.text("li", "settings lang=zh tz=America/New_York")
    assert "设置已保存" in text and "America/New_York" in text
    assert "我的待办任务" in bot.text("li", "tasks")
    assert "My open tasks" in bot.text("olive", "tasks")


def test_only_admins_change_roles_and_the_last_admin_stays() -> None:
    bot = TestBot()
    assert "only admin may" in bot.say("bob", "role add @bob admin").text
    assert bot.say("alice", "role remove @alice admin").is_error
    bot.ok("alice", "role add @bob admin")
    bot.ok("alice", "role remove @alice admin")
    roles = bot.text("bob", "roles")
    assert "admin    @bob" in roles


def test_subscribe_needs_manager_admin_or_owner() -> None:
    bot = TestBot()
    bot.ok("olive", "new X")
    assert bot.say("mike", "subscribe C-1").is_error
    assert "receives" in bot.text("olive", "subscribe C-1 alerts=digest,anomaly")
    assert bot.say("olive", "subscribe all").is_error  # all campaigns: managers and admins only
    bot.ok("alice", "subscribe all")
    assert "no longer" in bot.text("olive", "unsubscribe C-1")
