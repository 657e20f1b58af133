"""Deadline alerts through the real bus and delivery worker: who hears what, once, in their time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.builders import TestBot
from tests.unit.alert_helpers import rows, sent, tick

# TestBot's clock: 2026-11-25 02:00 UTC, 10:00 in Shanghai (the workspace's zone).
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def bot() -> TestBot:
    bot = TestBot()
    bot.ok("alice", "role add @mia manager")
    bot.ok("olive", 'new "Spring Launch"')  # home channel: "local"
    bot.deliver()
    bot.gateway.sent.clear()
    return bot


def settle(bot: TestBot) -> None:
    """Deliver what the commands themselves caused (assignment notices), and forget it."""
    bot.deliver()
    bot.gateway.sent.clear()


def test_due_within_a_day_is_a_direct_message_to_the_assignee_once(bot: TestBot) -> None:
    bot.ok("olive", 'task add C-1 "Design poster" @bob due=2026-11-26T09:00')
    bot.ok("olive", 'task add C-1 "Print flyers" @bob due=2026-11-27T09:00')  # 47 h away: not yet
    settle(bot)
    assert tick(bot, NOW) == 1
    [card] = sent(bot, "bob")
    assert "Due soon: T-1 Design poster" in card and "2026-11-26 Thu 09:00 (in 23 h)" in card
    assert tick(bot, NOW + timedelta(minutes=5)) == 0
    assert len(rows(bot, "deadline.soon")) == 1


def test_overdue_goes_to_the_home_channel_naming_assignee_and_owner_and_escalates_after_48h(bot: TestBot) -> None:
    bot.ok("olive", 'task add C-1 "Book venue" @bob due=2026-11-24T18:00')
    settle(bot)
    tick(bot, NOW)
    [card] = sent(bot, "local")
    assert "Overdue: T-1 Book venue" in card and "@bob" in card and "owner @olive" in card and "(16 h ago)" in card
    assert not sent(bot, "olive") and not sent(bot, "mia")
    tick(bot, NOW + timedelta(hours=32))  # 48 h after the due time
    assert "Still overdue: T-1 Book venue" in sent(bot, "olive")[0] and sent(bot, "mia")
    assert len(sent(bot, "local")) == 1  # the overdue alert itself is not repeated
    [row] = rows(bot, "deadline.overdue")
    assert row.key == "deadline.overdue:T-1:2026-11-24:channel:local"


def test_a_done_task_or_a_closed_campaign_raises_nothing(bot: TestBot) -> None:
    bot.ok("olive", 'task add C-1 "Done already" @bob due=2026-11-24T18:00')
    bot.ok("bob", "task done T-1")
    bot.ok("olive", 'new "Old one"')
    bot.ok("olive", 'task add C-2 "Forgotten" @bob due=2026-11-24T18:00')
    bot.ok("olive", "cancel C-2 confirm")  # open tasks: cancel asks first (issue 11)
    tick(bot, NOW)
    assert not rows(bot, "deadline.overdue") and not rows(bot, "deadline.soon")


def test_a_re_dated_task_is_alerted_again_for_its_new_due_date(bot: TestBot) -> None:
    bot.ok("olive", 'task add C-1 "Book venue" @bob due=2026-11-24T18:00')
    tick(bot, NOW)
    bot.ok("olive", "task due T-1 2026-11-25T09:00")
    tick(bot, NOW + timedelta(hours=2))
    # the alert about the old date was retracted (its key freed, ending ~<id>) and corrected where it was sent
    assert [r.key for r in rows(bot, "deadline.overdue")] == [
        "deadline.overdue:T-1:2026-11-24:channel:local~2", "deadline.overdue:T-1:2026-11-25:channel:local"]


def test_quiet_hours_hold_the_direct_message_but_not_the_channel_alert(bot: TestBot) -> None:
    bot.ok("bob", "settings quiet=22:00-08:00")
    bot.ok("olive", 'task add C-1 "Overdue" @bob due=2026-11-24T09:00')
    bot.ok("olive", 'task add C-1 "Tomorrow" @bob due=2026-11-26T12:00')
    settle(bot)
    late = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai: bob's quiet time
    tick(bot, late)
    assert sent(bot, "local") and not sent(bot, "bob")
    tick(bot, datetime(2026, 11, 25, 23, 59, tzinfo=UTC))  # 07:59: still quiet
    assert not sent(bot, "bob")
    tick(bot, datetime(2026, 11, 26, 0, 0, tzinfo=UTC))  # 08:00: the held message goes out, once
    assert len(sent(bot, "bob")) == 1 and "Due soon: T-2 Tomorrow" in sent(bot, "bob")[0]


def test_the_soon_window_is_the_assignees_wall_clock_across_a_dst_change(bot: TestBot) -> None:
    """New York springs forward on 2027-03-14: 24 h on the wall clock is 23 real hours that day."""
    bot.ok("bob", "settings tz=America/New_York")
    bot.ok("olive", 'task add C-1 "Within the wall-clock day" @bob due=2027-03-14T21:30')  # Shanghai time
    bot.ok("olive", 'task add C-1 "Just past it" @bob due=2027-03-14T22:30')
    settle(bot)
    at = datetime(2027, 3, 13, 15, 0, tzinfo=UTC)  # 10:00 EST on the 13th; the window ends 10:00 EDT on the 14th
    tick(bot, at)
    soon = [r.entity for r in rows(bot, "deadline.soon")]
    assert soon == ["T-1"]  # T-1 is due 09:30 EDT (22.5 h away); T-2 at 10:30 EDT (23.5 h, past the wall-clock day)
    assert "2027-03-14 Sun 09:30" in sent(bot, "bob")[0]  # shown in bob's own zone


def test_subscriptions_per_channel_and_kind_change_who_hears(bot: TestBot) -> None:
    bot.ok("olive", 'task add C-1 "Late" @bob due=2026-11-24T18:00')
    settle(bot)
    bot.say("olive", "subscribe C-1 alerts=deadline", channel="ops")
    bot.say("olive", "subscribe C-1 alerts=approval", channel="finance")
    tick(bot, NOW)
    assert sent(bot, "local") and sent(bot, "ops") and not sent(bot, "finance")
    bot.ok("olive", 'task add C-1 "Later" @bob due=2026-11-25T09:00')
    bot.say("olive", "unsubscribe C-1", channel="ops")
    bot.gateway.sent.clear()
    tick(bot, NOW + timedelta(hours=2))
    assert sent(bot, "local") and not sent(bot, "ops")


def test_thirty_overdue_tasks_at_once_are_one_card_in_the_channel(bot: TestBot) -> None:
    for n in range(30):
        bot.ok("olive", f'task add C-1 "Task {n}" @bob due=2026-11-24T18:00')
    settle(bot)
    assert tick(bot, NOW) == 30
    [card] = sent(bot, "local")
    assert card.startswith("✖ 30 alerts") and "Overdue: T-1 Task 0" in card and "Overdue: T-30 Task 29" in card
    assert all(r.status.value == "sent" for r in rows(bot, "deadline.overdue"))


def test_cards_are_in_the_readers_language(bot: TestBot) -> None:
    bot.ok("bob", "settings lang=zh")
    bot.ok("olive", 'task add C-1 "设计海报" @bob due=2026-11-26T09:00')
    settle(bot)
    tick(bot, NOW)
    assert "即将到期：T-1 设计海报" in sent(bot, "bob")[0] and "还剩 23 小时" in sent(bot, "bob")[0]
