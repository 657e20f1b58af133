"""Tasks through the real bus: who may move them, what the views show, who is told."""

from __future__ import annotations

import pytest

from tests.builders import TestBot


@pytest.fixture
def bot() -> TestBot:
    bot = TestBot()
    bot.ok("olive", 'new "Launch" launch=2026-12-20')
    bot.ok("olive", 'task add C-1 "Book venue" @li due=2026-12-01')
    return bot


def task(bot: TestBot, number: int = 1):
    return bot.store.table("tasks")[number]


def test_the_assignee_is_told_by_direct_message(bot: TestBot) -> None:
    bot.deliver()
    [(target, card, _)] = bot.gateway.sent
    assert target.ref == "li" and "Assigned to you: T-1 Book venue" in card.title
    assert [b.command for b in card.buttons] == ["task start T-1", "task done T-1"]


@pytest.mark.parametrize("who, ok", [("li", True), ("olive", True), ("alice", True), ("mike", False)])
def test_assignee_owner_manager_or_admin_move_a_task(bot: TestBot, who: str, ok: bool) -> None:
    reply = bot.say(who, "task start T-1")
    assert reply.is_error is not ok
    assert task(bot).status.value == ("doing" if ok else "todo")


def test_only_owner_manager_admin_assign(bot: TestBot) -> None:
    assert bot.say("li", "task assign T-1 @mike").is_error
    bot.ok("olive", "task assign T-1 @mike")
    assert task(bot).assignee == "mike"


def test_block_keeps_the_reason_and_shows_it(bot: TestBot) -> None:
    assert bot.say("li", "task block T-1").is_error
    text = bot.text("li", 'task block T-1 "waiting for the contract"')
    assert "Blocked because  waiting for the contract" in text
    bot.ok("li", "task start T-1")
    assert task(bot).blocked_reason is None


def test_done_and_reopen(bot: TestBot) -> None:
    bot.ok("li", "task done T-1")
    assert task(bot).done_at == bot.clock.now()
    assert bot.say("li", "task done T-1").is_error
    bot.ok("li", "task reopen T-1")
    assert task(bot).status.value == "todo" and task(bot).done_at is None


def test_overdue_and_mine_lists(bot: TestBot) -> None:
    bot.ok("olive", 'task add C-1 "Old thing" @li due=2026-11-20')
    bot.ok("olive", 'task add C-1 "Not mine" @mike due=2026-12-02')
    mine = bot.text("li", "tasks")
    assert "T-1" in mine and "T-2" in mine and "T-3" not in mine
    overdue = bot.text("olive", "tasks overdue")
    assert "T-2" in overdue and "⚠" in overdue and "T-1" not in overdue


def test_board_and_timeline(bot: TestBot) -> None:
    bot.ok("olive", 'task add C-1 "Print" due=2026-12-05')
    bot.ok("li", "task start T-1")
    board = bot.text("olive", "board C-1")
    assert "doing (1)\n  • T-1 Book venue" in board and "todo (1)" in board
    timeline = bot.text("olive", "timeline C-1")
    assert "T-1" in timeline and "●" in timeline and "launch 2026-12-20" in timeline


def test_tasks_of_a_closed_campaign_do_not_move(bot: TestBot) -> None:
    bot.ok("olive", "cancel C-1 confirm")  # open tasks: cancel asks first (issue 11)
    reply = bot.say("li", "task done T-1")
    assert reply.is_error and "cancelled" in reply.text
