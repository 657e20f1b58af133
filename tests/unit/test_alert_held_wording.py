"""A direct message held through the recipient's quiet hours is worded for the moment it goes out: a deadline
"in 4 h" when it is delivered at 08:00, not the "in 13 h" it was at 23:00 when the scan found it."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.builders import TestBot
from tests.unit.alert_helpers import sent, tick


def test_a_held_deadline_reminder_counts_the_hours_left_at_delivery() -> None:
    bot = TestBot()
    bot.ok("olive", 'new "Spring Launch"')
    bot.ok("bob", "settings quiet=22:00-08:00")
    bot.ok("olive", 'task add C-1 "Tomorrow" @bob due=2026-11-26T12:00')
    bot.deliver()
    bot.gateway.sent.clear()
    tick(bot, datetime(2026, 11, 25, 15, 0, tzinfo=UTC))  # 23:00 in Shanghai: 13 h before the deadline, quiet
    assert not sent(bot, "bob")
    tick(bot, datetime(2026, 11, 26, 0, 0, tzinfo=UTC))  # 08:00: the held message goes out
    [card] = sent(bot, "bob")
    assert "2026-11-26 Thu 12:00 (in 4 h)" in card and "13 h" not in card


def test_a_held_escalation_counts_the_hours_overdue_at_delivery() -> None:
    bot = TestBot()
    bot.ok("alice", "role add @mia manager")
    bot.ok("mia", "settings quiet=22:00-08:00")
    bot.ok("olive", 'new "Spring Launch"')
    bot.ok("olive", 'task add C-1 "Book venue" @bob due=2026-11-23T23:00')
    bot.deliver()
    tick(bot, datetime(2026, 11, 25, 15, 0, tzinfo=UTC))  # 23:00: 48 h overdue, mia is quiet until 08:00
    tick(bot, datetime(2026, 11, 26, 0, 0, tzinfo=UTC))
    [card] = [c for c in sent(bot, "mia") if "Still overdue" in c]
    assert "Overdue for 2 d 9 h" in card
