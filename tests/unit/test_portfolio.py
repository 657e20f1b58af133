"""The portfolio: what makes a campaign risky and the order it is told in (pure), and `overview` in chat through the
real bus, parser and presenter, in English and Chinese."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.campaign import Campaign, Status
from domain.money import Money
from domain.portfolio import Figures, Level, Risk, riskiest_first, summarize
from tests.builders import TestBot

TODAY = date(2026, 11, 25)


def figures(number: int, *, approved: str = "10000", spent: str = "0", media: str = "5000", revenue: str = "0",
            overdue: int = 0, pending: int = 0, anomalies: int = 0, roi: str | None = None,
            days: tuple[date, date] = (date(2026, 11, 1), date(2026, 12, 20))) -> Figures:
    c = Campaign(1, f"C{number}", "olive", "local", "olive", datetime(2026, 10, 1, tzinfo=UTC), "CNY", Status.ACTIVE,
                 Money(Decimal("50000"), "CNY"), start=days[0], end=days[1],
                 kpis={"roi": Decimal(roi)} if roi else {}, id=number)
    return Figures(c, Decimal(approved), Decimal(0), pending, Decimal(spent), Decimal(media), Decimal(revenue), 10, 5,
                   overdue, anomalies)


def test_spending_more_than_approved_comes_before_an_overdue_task() -> None:
    ordered = riskiest_first([figures(1, overdue=1), figures(2, spent="12000"), figures(3)], TODAY)
    assert [s.campaign.pk for s in ordered] == [2, 1, 3]
    assert ordered[0].risks[0] is Risk.OVER_BUDGET and ordered[0].level is Level.HIGH
    assert ordered[2].risks == () and ordered[2].level is Level.LOW


def test_each_risk_is_named_and_more_overdue_tasks_weigh_more() -> None:
    s = summarize(figures(1, overdue=3, anomalies=1, pending=2, media="100", revenue="150", roi="3"), TODAY)
    assert s.risks == (Risk.OVERDUE, Risk.ANOMALY, Risk.ROI_MISS, Risk.UNDERSPENDING, Risk.WAITING)
    assert s.roi == Decimal("1.5") and s.roi_met is False
    more = summarize(figures(1, overdue=1, anomalies=1, pending=2, media="100", revenue="150", roi="3"), TODAY)
    assert s.score == more.score + 2


def test_pacing_is_judged_against_the_days_elapsed() -> None:
    # 25 of 50 days elapsed (half): 5,000 of 10,000 approved is on track (the default), 9,000 well ahead of time.
    assert summarize(figures(1), TODAY).risks == ()
    fast = summarize(figures(1, media="9000"), TODAY)
    assert fast.pacing is not None and fast.pacing.band.value == "over" and Risk.OVERSPENDING in fast.risks


@pytest.fixture
def bot() -> TestBot:
    bot = TestBot()
    bot.ok("alice", "role add @bob manager")
    bot.ok("olive", 'new "Spring Launch" budget=50k start=2026-11-01 end=2026-12-31 kpi.roi=3')
    bot.ok("olive", 'task add C-1 "Venue" @olive due=2026-11-20')
    bot.ok("olive", "budget request C-1 5000 KOL")
    bot.ok("bob", 'new "Quiet one" budget=10k start=2026-12-01 end=2026-12-31')
    return bot


def test_overview_lists_the_riskiest_first_with_what_makes_them_risky(bot: TestBot) -> None:
    text = bot.text("alice", "overview")
    assert "2 campaign(s)" in text
    first, second = text.index("C-1 Spring Launch"), text.index("C-2 Quiet one")
    assert first < second
    line = text[first:second]
    assert "1 overdue" in line and "1 waiting" in line and "nothing approved" in line


def test_overview_mine_and_in_chinese(bot: TestBot) -> None:
    mine = bot.text("bob", "overview mine")
    assert "C-2" in mine and "C-1" not in mine
    bot.ok("olive", "settings lang=zh")
    zh = bot.text("olive", "总览")
    assert "活动总览" in zh and "1 个逾期" in zh and "1 个待审批" in zh


def test_overview_all_includes_closed_campaigns_and_says_so_when_empty(bot: TestBot) -> None:
    bot.ok("bob", "cancel C-2")
    assert "C-2" not in bot.text("alice", "overview")
    assert "C-2" in bot.text("alice", "overview all")
    assert "No campaigns here yet" in bot.text("fay", "overview mine")


def test_a_long_portfolio_is_cut_and_points_to_the_dashboard(bot: TestBot) -> None:
    for n in range(15):
        bot.ok("olive", f'new "Extra {n}" budget=1k start=2026-11-01 end=2026-12-31')
    text = bot.text("alice", "overview")
    assert "The 15 riskiest of 17; type dashboard" in text
    assert text.count(" · pacing ") == 15


def test_overview_takes_no_stray_words(bot: TestBot) -> None:
    reply = bot.say("alice", "overview everything")
    assert reply.is_error
