"""Re-dating a campaign (`move`): a shift counts from the campaign's own date, not from today; tasks move with it;
every deadline alert the move made wrong is dropped while unsent, or followed by a correction where it was sent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.notifications import DeliveryStatus
from tests.builders import TestBot
from tests.unit.alert_helpers import rows, sent, tick

# TestBot's clock: 2026-11-25 02:00 UTC, 10:00 in Shanghai (the workspace's zone).
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def bot() -> TestBot:
    bot = TestBot()
    bot.ok("alice", "role add @mia manager")
    return bot


def campaign(bot: TestBot) -> object:
    return bot.store.table("campaigns")[1]


def dues(bot: TestBot) -> dict[int, datetime]:
    return {t.id: t.due for t in bot.store.table("tasks").values()}


@pytest.mark.parametrize("text", ["move C-1 launch=+7d", "move C-1 by=+7d", "move C-1 by=1w", "改期 C-1 上线=+7天"])
def test_a_relative_launch_shifts_from_the_current_launch_not_from_today(bot: TestBot, text: str) -> None:
    bot.ok("olive", "new Launch launch=2027-03-01 template=product-launch")
    before = dues(bot)
    reply = bot.ok("olive", text)
    assert campaign(bot).launch == date(2027, 3, 8)  # type: ignore[attr-defined]
    assert all(dues(bot)[i] - before[i] == timedelta(days=7) for i in before)
    assert "2027-03-08" in bot.text("olive", "show C-1")
    assert reply.public


def test_a_move_earlier_lists_the_tasks_it_makes_overdue(bot: TestBot) -> None:
    bot.ok("olive", "new Launch launch=2026-12-20 template=product-launch")  # first task due 2026-11-22: overdue
    text = bot.text("olive", "move C-1 by=-10d")
    assert campaign(bot).launch == date(2026, 12, 10)  # type: ignore[attr-defined]
    assert "10 days earlier" in text
    overdue_part = text.split("Now overdue after this move")[1]
    assert "T-2" in overdue_part and "T-1 " not in overdue_part  # T-1 was overdue already


def test_a_start_dated_campaign_moves_by_its_start_and_refuses_launch(bot: TestBot) -> None:
    bot.ok("olive", "new Sale start=2026-12-01 end=2026-12-11 template=holiday-promo")
    refused = bot.say("olive", "move C-1 launch=+7d")
    assert refused.is_error and "move C-1 start=" in refused.text
    assert campaign(bot).start == date(2026, 12, 1)  # type: ignore[attr-defined]
    bot.ok("olive", "move C-1 start=+7d")
    assert (campaign(bot).start, campaign(bot).end) == (date(2026, 12, 8), date(2026, 12, 18))  # type: ignore[attr-defined]
    bot.ok("olive", "move C-1 start=2026-12-10")
    assert campaign(bot).start == date(2026, 12, 10)  # type: ignore[attr-defined]


@pytest.mark.parametrize("text, message", [
    ("move C-1", "'launch=' is required"),
    ("move C-1 launch=+1d by=+1d", "not several"),
    ("move C-1 by=2027-03-01", "is not a shift"),
])
def test_a_malformed_move_says_how_to_write_it(bot: TestBot, text: str, message: str) -> None:
    bot.ok("olive", "new Launch launch=2027-03-01")
    reply = bot.say("olive", text)
    assert reply.is_error and message in reply.text


def test_each_assignee_whose_due_moved_is_told_once(bot: TestBot) -> None:
    bot.ok("olive", "new Launch launch=2027-03-01 template=product-launch")
    bot.ok("olive", "task assign T-2 @bob")
    bot.ok("olive", "task assign T-3 @bob")
    bot.deliver()
    bot.gateway.sent.clear()
    bot.ok("olive", "move C-1 launch=+7d")
    bot.deliver()
    [notice] = sent(bot, "bob")
    assert "Your tasks were re-dated: C-1 Launch" in notice and "T-2" in notice and "T-3" in notice
    assert not sent(bot, "olive")  # whoever moved it is not told of their own doing


def test_moving_the_launch_away_drops_unsent_alerts_and_corrects_sent_ones(bot: TestBot) -> None:
    """Trap 1: tasks overdue, "Still overdue" escalated by DM; the launch moved: each sent alert is corrected where
    it was sent, and the alert that had not gone out yet never goes out."""
    bot.ok("bob", "settings quiet=22:00-08:00")
    bot.ok("olive", "new Launch launch=2026-12-20 template=product-launch")
    bot.ok("olive", "task assign T-1 @bob")
    bot.ok("olive", "task assign T-2 @bob")
    bot.deliver()
    bot.gateway.sent.clear()
    # T-1 was due 2026-11-24 18:00 local: at 02:00 on the 27th it is overdue by two days, and escalated; T-2 is due
    # that day at 18:00, and bob's due-soon message waits for the end of his quiet hours.
    tick(bot, NOW + timedelta(hours=40))
    assert any("Still overdue: T-1" in card for card in sent(bot, "olive"))
    assert any("Overdue: T-1" in card for card in sent(bot, "local"))
    held = [r for r in rows(bot, "deadline.soon") if r.status is DeliveryStatus.PENDING]
    assert held and not sent(bot, "bob")
    bot.gateway.sent.clear()

    bot.ok("olive", "move C-1 launch=+30d")
    bot.deliver()
    outbox = bot.store.table("outbox")
    assert all(outbox[r.id].status is DeliveryStatus.DROPPED for r in held)
    correction_olive = [c for c in sent(bot, "olive") if "Correction: T-1" in c]
    correction_local = [c for c in sent(bot, "local") if "Correction: T-1" in c]
    assert correction_olive and correction_local and sent(bot, "mia")
    assert "It is not overdue" in correction_olive[0] and "2026-12-24" in correction_olive[0]
    tick(bot, NOW + timedelta(hours=52))  # bob's quiet hours are over
    assert not [c for c in sent(bot, "bob") if "Due soon" in c]
    assert not [c for c in sent(bot, "local") if "Overdue: T-1" in c]  # not re-alerted: it is not overdue now


def test_moving_back_alerts_again_once_the_old_date_is_overdue_again(bot: TestBot) -> None:
    bot.ok("olive", "new Launch launch=2026-12-20 template=product-launch")
    tick(bot, NOW)
    bot.gateway.sent.clear()
    bot.ok("olive", "move C-1 by=+30d")
    bot.ok("olive", "move C-1 by=-30d")
    tick(bot, NOW + timedelta(minutes=5))
    assert any("Overdue: T-1" in card for card in sent(bot, "local"))


def test_task_due_corrects_the_overdue_alert_of_the_old_date(bot: TestBot) -> None:
    bot.ok("olive", 'new "Spring Launch"')
    bot.ok("olive", 'task add C-1 "Book venue" @bob due=2026-11-24T18:00')
    tick(bot, NOW)
    bot.gateway.sent.clear()
    bot.ok("olive", "task due T-1 2026-12-05")
    bot.deliver()
    [correction] = [c for c in sent(bot, "local") if "Correction" in c]
    assert "now due 2026-12-05 Sat 18:00" in correction and "It is not overdue" in correction
