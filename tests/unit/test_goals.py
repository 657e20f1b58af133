"""Goals: periods, the tree and its split check, progress (actual, expected, forecast, on/off track), through the
real bus and handlers on the in-memory store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain import forecast
from domain.errors import InvalidInput
from domain.goals import Goal, Track, gaps, period, progress
from domain.metrics import DailyMetric
from tests.builders import TestBot

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # the fake clock: 2026-11-25 in Asia/Shanghai


def goal(**kw: object) -> Goal:
    values: dict[str, object] = {"workspace_id": 1, "name": "Revenue", "metric": "revenue",
                                 "target": Decimal(100_000), "period": period("2026-Q4"), "owner": "bob",
                                 "created_at": NOW, "id": 1}
    values.update(kw)
    return Goal(**values)  # type: ignore[arg-type]


def day(d: date, **figures: object) -> DailyMetric:
    return DailyMetric(1, 1, d, **figures)  # type: ignore[arg-type]


@pytest.mark.parametrize("text, label, first, last", [
    ("2027", "2027", date(2027, 1, 1), date(2027, 12, 31)),
    ("2027-Q1", "2027-Q1", date(2027, 1, 1), date(2027, 3, 31)),
    ("2027q4", "2027-Q4", date(2027, 10, 1), date(2027, 12, 31)),
    ("2028-02", "2028-02", date(2028, 2, 1), date(2028, 2, 29)),
])
def test_periods_are_years_quarters_and_months(text: str, label: str, first: date, last: date) -> None:
    p = period(text)
    assert (p.label, p.first, p.last) == (label, first, last)


@pytest.mark.parametrize("text", ["2027-Q5", "2027-13", "next year", "27"])
def test_a_period_that_is_none_of_those_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        period(text)


def test_forecast_of_a_straight_line_is_the_damped_line_by_hand() -> None:
    history = [100 + 10 * x for x in range(10)]  # last value 190, slope 10, no noise
    # day h ahead: 190 + 10 * (0.9 + 0.81 + ... + 0.9**h)
    assert forecast.daily(history, 2) == pytest.approx([190 + 9, 190 + 10 * (0.9 + 0.81)])
    total = forecast.total(history, 2)
    assert total is not None and total.value == pytest.approx(199 + 207.1) and total.low == total.high == total.value
    assert forecast.total(history[:6], 5) is None  # under 7 days: not enough data


def test_the_weekly_rhythm_is_kept_and_the_naive_forecast_repeats_last_week() -> None:
    week = [10, 10, 10, 10, 10, 40, 40]
    history = week * 3
    assert forecast.daily(history, 7) == pytest.approx(week, abs=1e-3)
    assert forecast.same_as_last_week(history, 9) == [*week, 10, 10]


def test_progress_counts_the_period_and_channel_and_is_off_track_when_the_forecast_misses() -> None:
    g = goal(channel="douyin")
    rows = [day(date(2026, 11, d), channel="douyin", revenue=Decimal(1000)) for d in range(11, 25)]
    rows += [day(date(2026, 11, 20), channel="wechat", revenue=Decimal(5000)),  # another channel
             day(date(2026, 9, 30), channel="douyin", revenue=Decimal(7000))]  # before the period
    p = progress(g, rows, date(2026, 11, 25))
    assert p.actual == Decimal(14_000)
    assert p.expected == Decimal(100_000) * 56 / 92  # Oct 1 .. Nov 25 of a 92-day quarter
    # A flat 1,000 a day from Nov 11 (and nothing yet today): the model sees 14 days of 1,000 and today's 0.
    assert p.forecast is not None and p.forecast.value == pytest.approx(Decimal(14_000 + 37 * 1000))
    assert p.forecast.low <= p.forecast.value <= p.forecast.high
    assert p.track is Track.OFF and p.miss is not None and p.miss > Decimal("0.10")


def test_ratio_goals_compare_with_the_target_not_a_share_of_it() -> None:
    g = goal(metric="cpa", target=Decimal(50))
    rows = [day(date(2026, 11, d), spend=Decimal(400), conversions=10) for d in range(10, 25)]
    p = progress(g, rows, date(2026, 11, 24))
    assert p.actual == Decimal(40) and p.expected == Decimal(50)
    assert p.forecast is not None and p.forecast.value == pytest.approx(Decimal(40))
    assert p.track is Track.ON


def test_under_seven_days_is_not_enough_data_and_a_future_period_has_not_started() -> None:
    rows = [day(date(2026, 11, d), revenue=Decimal(10)) for d in range(20, 25)]
    assert progress(goal(), rows, date(2026, 11, 24)).track is Track.UNKNOWN
    assert progress(goal(period=period("2027")), rows, date(2026, 11, 24)).track is Track.NOT_STARTED


def test_children_of_each_split_must_add_up() -> None:
    parent = goal(period=period("2026"), target=Decimal(1000))
    quarters = [goal(id=i + 2, period=period(f"2026-Q{i + 1}"), target=Decimal(250), parent_id=1) for i in range(4)]
    channels = [goal(id=7, period=period("2026"), channel="douyin", target=Decimal(600), parent_id=1),
                goal(id=8, period=period("2026"), channel="baidu", target=Decimal(300), parent_id=1)]
    found = gaps(parent, [*quarters, *channels])
    assert [(g.split, g.children, g.total) for g in found] == [("channel", ("G-7", "G-8"), Decimal(900))]
    assert gaps(goal(metric="roi", target=Decimal(3)), channels) == []  # ratios do not add up


@pytest.fixture
def bot() -> TestBot:
    bot = TestBot()
    bot.ok("alice", "role add @bob manager")
    return bot


def test_a_goal_tree_from_chat_with_its_split_checked(bot: TestBot) -> None:
    bot.ok("bob", 'goal set "Revenue 2026" revenue=1.2m period=2026')
    for q in range(1, 5):
        bot.ok("bob", f'goal set "Q{q}" revenue=300k period=2026-Q{q} parent=G-1')
    bot.ok("bob", 'goal set "Douyin" revenue=700k period=2026 channel=douyin parent=G-1')
    text = bot.text("bob", 'goal set "Baidu" revenue=400k period=2026 channel=baidu parent=G-1')
    assert "The channel split (G-6, G-7) adds up to ¥1,100,000.00, not the target ¥1,200,000.00." in text
    bot.ok("olive", "new Winter start=2026-11-01 end=2026-12-31")
    assert "C-1 now counts towards G-5." in bot.text("bob", "goal link G-5 C-1")
    assert "C-1 now counts towards G-6." in bot.text("bob", "goal link G-6 C-1")
    for d in range(11, 25):
        bot.ok("olive", f"metrics C-1 date=2026-11-{d} channel=douyin revenue=10000 spend=2000")
        bot.ok("olive", f"metrics C-1 date=2026-11-{d} channel=baidu revenue=3000 spend=1000")
    shown = bot.text("alice", "goal G-1")
    assert "Actual                  ¥182,000.00" in shown  # 14 days x (10,000 + 3,000): C-1 counts once
    assert "Expected by now         ¥1,081,643.84" in shown  # 1.2m x 329 / 365
    assert "95 % interval" in shown and "❌ off track" in shown
    assert "• G-5 Q4 · revenue · 2026-Q4: ¥182,000.00 / ¥300,000.00" in shown
    assert "• G-6 Douyin · revenue · 2026 · douyin: ¥140,000.00 / ¥700,000.00" in shown
    assert "channel split (G-6, G-7) adds up to ¥1,100,000.00" in shown
    tree = bot.text("olive", "goals")
    assert "\n      • G-5 Q4" in tree and tree.index("G-1 Revenue 2026") < tree.index("G-5 Q4")


def test_goals_read_in_chinese_and_refusals_say_why(bot: TestBot) -> None:
    zh = TestBot(lang="zh")
    zh.ok("alice", '目标 设定 "全年收入" revenue=100万 period=2026')
    assert "期末预测" in zh.text("alice", "目标 G-1") and "G-1 全年收入" in zh.text("alice", "目标列表")
    assert "only manager, admin may" in bot.say("olive", "goal set X revenue=1 period=2026").text
    assert "2027-Q1" in bot.say("bob", "goal set X revenue=1 period=2026-Q7").text
    bot.ok("bob", "goal set X revenue=100 period=2026-Q1")
    assert "inside its parent G-1" in bot.say("bob", "goal set Y revenue=10 period=2026-05 parent=G-1").text
    assert "what its parent G-1 measures" in bot.say("bob", "goal set Y spend=10 period=2026-02 parent=G-1").text
    assert "G-9 was not found" in bot.say("bob", "goal G-9").text or "G-9" in bot.say("bob", "goal G-9").text
    assert "Give exactly one target" in bot.say("bob", "goal set Z revenue=1 spend=2 period=2026").text


def test_a_goal_off_track_tells_its_owner_once_a_week_on_monday_after_quiet_hours(bot: TestBot) -> None:
    from domain import commands as c

    bot.ok("bob", "settings quiet=08:00-10:00")  # bob's quiet hours hold the direct message until 10:00
    bot.ok("bob", 'goal set "Q4 revenue" revenue=300k period=2026-Q4')
    bot.ok("bob", 'goal set "Q4 spend" spend=13k period=2026-Q4')  # 3,500 + 37 days x 250 = 12,750: on plan
    bot.ok("olive", "new Winter start=2026-11-01 end=2026-12-31")
    bot.ok("bob", "goal link G-1 C-1")
    bot.ok("bob", "goal link G-2 C-1")
    for d in range(11, 25):
        bot.ok("olive", f"metrics C-1 date=2026-11-{d} revenue=1000 spend=250")

    def scan(at: datetime) -> int:
        return bot.container.bus.run_system(c.ScanGoals(at)).written

    assert scan(datetime(2026, 11, 29, 3, 0, tzinfo=UTC)) == 0  # Sunday
    assert scan(datetime(2026, 11, 30, 0, 30, tzinfo=UTC)) == 0  # Monday 08:30 in Shanghai: before the digest hour
    assert scan(datetime(2026, 11, 30, 1, 30, tzinfo=UTC)) == 1  # Monday 09:30
    assert scan(datetime(2026, 11, 30, 5, 0, tzinfo=UTC)) == 0  # the same week: once
    [alert] = [m for m in bot.store.table("outbox").values() if m.kind == "goal.off_track"]
    assert alert.target.ref == "bob" and alert.key.startswith("goal.off_track:G-1:2026-W49")
    assert alert.not_before == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, after quiet hours
    assert "Goal G-1 Q4 revenue is off track" in alert.payload["title"]
    assert scan(datetime(2026, 12, 7, 1, 30, tzinfo=UTC)) == 1  # still off track the next Monday
