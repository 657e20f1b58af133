"""Closing a campaign with open work (trap 2): `complete` / `cancel` ask first; `cancel` withdraws every waiting budget
request with the campaign, its cards change in place, and a later `approve` is told why; `reopen` brings it back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.console.render import render
from bot.actions import Action, ActionId, command_for
from domain.approval import ApprovalStatus
from domain.campaign import Status
from tests.builders import TestBot
from tests.unit.alert_helpers import rows, sent, tick

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def bot() -> TestBot:
    bot = TestBot()
    bot.ok("alice", "role add @mia manager")
    bot.ok("alice", "role add @fay finance")
    bot.ok("olive", "new Sale budget=100k")
    bot.ok("olive", 'budget request C-1 50000 "KOL fees"')
    return bot


def status(bot: TestBot) -> Status:
    return bot.store.table("campaigns")[1].status  # type: ignore[no-any-return]


def click(bot: TestBot, user: str, action: ActionId, ref: str = "C-1") -> str:
    command = command_for(Action(action, ref))
    assert command is not None
    return render(bot.container.bus.handle(bot.ctx(user), command).card)


def test_cancel_with_a_waiting_request_asks_first_and_changes_nothing(bot: TestBot) -> None:
    reply = bot.ok("olive", "cancel C-1")
    text = render(reply.card)
    assert "Cancel C-1 Sale? Work is still open" in text and "A-1 ¥50,000.00" in text
    assert "[Confirm] cancel C-1 confirm" in text and "[Keep] show C-1" in text
    assert not reply.public and status(bot) is Status.PLANNING
    assert bot.store.table("approvals")[1].status is ApprovalStatus.PENDING


def test_cancel_withdraws_the_requests_and_a_later_approve_says_why(bot: TestBot) -> None:
    """Trap 2: finance ran `approve A-1` after the campaign was cancelled and got "approved"."""
    bot.deliver()
    done = bot.text("olive", "cancel C-1 confirm")
    assert "cancelled" in done and "Withdrawn with the campaign: A-1 ¥50,000.00" in done
    request = bot.store.table("approvals")[1]
    assert request.status is ApprovalStatus.WITHDRAWN and request.closed_with == "cancelled"
    refused = bot.say("mia", "approve A-1")
    assert refused.is_error and "A-1 was withdrawn when C-1 was cancelled" in refused.text
    assert "Nothing changed" in refused.text
    assert bot.store.table("approvals")[1].status is ApprovalStatus.WITHDRAWN
    trail = bot.text("olive", "show A-1")
    assert "withdrew the request — C-1 cancelled" in trail and "withdrawn: campaign cancelled" in trail
    updates = rows(bot, "card.update")
    assert any(u.entity == "A-1" and "withdrawn: campaign cancelled" in u.payload["title"] for u in updates)


def test_the_confirm_button_closes_and_keep_changes_nothing(bot: TestBot) -> None:
    kept = click(bot, "olive", ActionId.KEEP)
    assert "C-1 Sale" in kept and status(bot) is Status.PLANNING
    click(bot, "olive", ActionId.CONFIRM_CANCEL)
    assert status(bot) is Status.CANCELLED


def test_complete_with_open_tasks_asks_then_goes_ahead_on_confirm(bot: TestBot) -> None:
    bot.ok("olive", "withdraw A-1")
    bot.ok("olive", "new Launch launch=2027-03-01 template=product-launch")
    bot.ok("olive", "start C-2")
    bot.ok("olive", "task done T-1")
    asked = bot.text("olive", "complete C-2")
    assert "7 of 8 tasks are open" in asked and bot.store.table("campaigns")[2].status is Status.ACTIVE
    bot.ok("olive", "完成 C-2 确认")
    assert bot.store.table("campaigns")[2].status is Status.COMPLETED


def test_nothing_open_means_no_question(bot: TestBot) -> None:
    bot.ok("olive", "new Plain")
    assert "cancelled" in bot.text("olive", "cancel C-2")


def test_reopen_is_for_managers_and_withdrawn_requests_stay_withdrawn(bot: TestBot) -> None:
    bot.ok("olive", "cancel C-1 confirm")
    refused = bot.say("olive", "reopen C-1")
    assert refused.is_error and "only manager, admin may" in refused.text
    bot.ok("mia", "重开 C-1")
    assert status(bot) is Status.ACTIVE
    assert bot.store.table("approvals")[1].status is ApprovalStatus.WITHDRAWN
    assert "A-1 was withdrawn when C-1 was cancelled" in bot.say("fay", "approve A-1").text
    assert "reopened the campaign" in bot.text("olive", "show C-1")


def test_cancelling_takes_back_the_overdue_alert_already_sent(bot: TestBot) -> None:
    bot.ok("olive", 'task add C-1 "Book venue" @bob due=2026-11-24T18:00')
    tick(bot, NOW)
    assert any("Overdue: T-1" in card for card in sent(bot, "local"))
    bot.ok("olive", "cancel C-1 confirm")
    bot.deliver()
    [correction] = [card for card in sent(bot, "local") if "Correction: T-1" in card]
    assert "C-1 Sale was cancelled; the earlier alert no longer applies." in correction
    tick(bot, NOW + timedelta(hours=1))
    assert len([card for card in sent(bot, "local") if "Overdue: T-1" in card]) == 1
