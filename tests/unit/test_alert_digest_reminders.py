"""The daily digest (once per local day, at 09:00 local, across DST changes) and approval SLA reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import commands as c
from tests.builders import TestBot
from tests.unit.alert_helpers import rows, sent, tick


def digest_bot(tz: str) -> TestBot:
    bot = TestBot(timezone=tz)
    bot.ok("olive", 'new "Spring Launch"')
    bot.ok("olive", 'task add C-1 "Book venue" @bob due=2026-11-20')
    bot.ok("alice", "role add @mia manager")
    assert not bot.say("mia", "subscribe all alerts=digest", channel="marketing").is_error
    return bot


def digests_over(bot: TestBot, start: datetime, days: int, step: timedelta) -> list[datetime]:
    """Run the digest scan every `step`, as the scheduler would; return when each digest row was written."""
    at, written = start, []
    while at < start + timedelta(days=days):
        result = bot.container.bus.run_system(c.SendDigests(at))
        written += [at] * result.written
        at += step
    return written


@pytest.mark.parametrize("tz, first_day", [
    ("Asia/Shanghai", date(2027, 3, 12)),
    ("America/New_York", date(2027, 3, 12)),  # spring forward on Sunday 14 March: a 23-hour day
    ("America/New_York", date(2026, 10, 30)),  # fall back on Sunday 1 November: a 25-hour day
])
def test_one_digest_per_local_day_at_nine_across_dst(tz: str, first_day: date) -> None:
    bot = digest_bot(tz)
    start = datetime.combine(first_day, time(0), ZoneInfo(tz))
    written = digests_over(bot, start, days=5, step=timedelta(minutes=15))
    local = [w.astimezone(ZoneInfo(tz)) for w in written]
    assert [d.date() for d in local] == [first_day + timedelta(days=n) for n in range(5)]  # none skipped or doubled
    assert all((d.hour, d.minute) == (9, 0) for d in local), local
    periods = [r.key.split(":")[2] for r in rows(bot, "digest")]  # digest:W-1:<local date>:channel:marketing
    assert periods == [d.date().isoformat() for d in local]


def test_a_digest_missed_at_nine_goes_out_later_that_day_and_only_once() -> None:
    bot = digest_bot("Asia/Shanghai")
    assert bot.container.bus.run_system(c.SendDigests(datetime(2026, 11, 25, 0, 59, tzinfo=UTC))).written == 0
    assert bot.container.bus.run_system(c.SendDigests(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))).written == 1
    assert bot.container.bus.run_system(c.SendDigests(datetime(2026, 11, 25, 15, 59, tzinfo=UTC))).written == 0


def test_the_digest_lists_overdue_due_today_and_pending_approvals() -> None:
    bot = digest_bot("Asia/Shanghai")
    bot.ok("olive", 'task add C-1 "Print flyers" @bob due=2026-11-25T17:00')
    bot.ok("olive", 'task add C-1 "Next week" @bob due=2026-12-02')
    bot.ok("olive", "budget request C-1 5000 venue")
    bot.deliver()
    bot.gateway.sent.clear()
    tick(bot, datetime(2026, 11, 25, 1, 0, tzinfo=UTC))  # 09:00 in Shanghai
    [card] = sent(bot, "marketing")
    assert "Daily digest · 2026-11-25 Wed" in card
    assert "Overdue (1)" in card and "T-1 Book venue" in card
    assert "Due today (1)" in card and "T-2 Print flyers" in card and "T-3" not in card
    assert "Pending approvals (1)" in card and "A-1 ¥5,000.00" in card


def test_an_unsubscribed_channel_gets_no_digest() -> None:
    bot = digest_bot("Asia/Shanghai")
    assert not bot.say("mia", "unsubscribe all", channel="marketing").is_error
    assert bot.container.bus.run_system(c.SendDigests(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))).written == 0


@pytest.fixture
def approval_bot() -> TestBot:
    bot = TestBot()
    bot.ok("alice", "role add @bob manager")
    bot.ok("alice", "role add @fay finance")
    bot.ok("olive", 'new "Spring Launch"')
    bot.ok("olive", "budget request C-1 20000 venue")  # manager, then finance
    bot.deliver()
    bot.gateway.sent.clear()
    return bot


def test_an_approver_is_reminded_once_per_sla_period_with_the_buttons(approval_bot: TestBot) -> None:
    bot, start = approval_bot, approval_bot.clock.at
    tick(bot, start + timedelta(hours=23))
    assert not sent(bot, "bob")
    tick(bot, start + timedelta(hours=24, minutes=5))
    tick(bot, start + timedelta(hours=30))
    [card] = sent(bot, "bob")
    assert "Reminder, waiting 24 h for your decision: Budget request A-1" in card and "[Approve] approve A-1" in card
    tick(bot, start + timedelta(hours=48, minutes=5))
    assert len(sent(bot, "bob")) == 2 and "waiting 2 d for" in sent(bot, "bob")[1]


def test_the_next_step_has_its_own_sla(approval_bot: TestBot) -> None:
    bot, start = approval_bot, approval_bot.clock.at
    bot.clock.at = start + timedelta(hours=30)
    bot.ok("bob", "approve A-1")
    tick(bot, start + timedelta(hours=40))
    assert not [r for r in rows(bot, "approval.reminder") if r.target.ref == "fay"]
    tick(bot, start + timedelta(hours=54))
    assert [r.key for r in rows(bot, "approval.reminder") if r.target.ref == "fay"] == [
        "approval.reminder:A-1:step2.1:user:fay"]


def test_reminders_with_buttons_are_never_folded(approval_bot: TestBot) -> None:
    bot = approval_bot
    bot.ok("olive", "budget request C-1 3000 printing")
    bot.deliver()
    bot.gateway.sent.clear()
    tick(bot, bot.clock.at + timedelta(hours=25))
    cards = sent(bot, "bob")
    assert len(cards) == 2 and all("[Approve]" in card for card in cards)


def test_the_digest_carries_the_week_and_the_figures_but_not_steps_past_before_the_campaign_began() -> None:
    bot = digest_bot("Asia/Shanghai")
    bot.ok("alice", "role add @fay finance")
    bot.ok("olive", 'task add C-1 "Print flyers" @bob due=2026-11-28')
    # created with past dates: its template's early steps were overdue the moment it was made
    bot.ok("olive", "new Old launch=2026-11-26 template=product-launch")
    bot.ok("olive", "new Spendy budget=1000 kpi.roi=3")
    bot.ok("olive", "budget request C-3 1000 media")
    bot.ok("mia", "approve A-1")  # one step for this amount
    bot.ok("olive", "metrics C-3 date=2026-11-24 spend=1500 revenue=1500")
    bot.deliver()
    bot.gateway.sent.clear()
    tick(bot, datetime(2026, 11, 25, 1, 0, tzinfo=UTC))  # 09:00 in Shanghai
    [card] = sent(bot, "marketing")
    assert "Due this week" in card and "T-2 Print flyers" in card
    assert "Guest list" not in card and "Press release" not in card  # C-2's steps before its creation
    assert "Budget and results (1)" in card
    assert "C-3 Spendy · @olive: over budget by ¥500.00; ROI 1:1.00 against a target of 1:3.00" in card
