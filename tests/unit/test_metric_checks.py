"""Numbers a marketer can trust: impossible counts are refused at every door (chat, CSV, REST), naming the field;
a figure left out is "not recorded", never zero (ROI with no revenue is n/a, not a miss); today's partial numbers
are not judged for anomalies until the day is over."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from bot.ingest import Rejected, parse_row
from tests.builders import TestBot

TODAY = date(2026, 11, 25)


@pytest.fixture
def bot() -> TestBot:
    bot = TestBot()
    bot.ok("olive", "new Launch start=2026-11-01 end=2026-11-30 kpi.roi=3")
    return bot


@pytest.mark.parametrize(("figures", "named"), [
    ("impressions=100 clicks=500", "clicks (500) cannot be above impressions (100)"),
    ("clicks=10 conversions=11", "conversions (11) cannot be above clicks (10)"),
    ("clicks=-5", "'-5' is not a whole number (for clicks)"),
])
def test_chat_refuses_impossible_counts_and_stores_nothing(bot: TestBot, figures: str, named: str) -> None:
    reply = bot.say("olive", f"metrics C-1 date=2026-11-24 {figures}")
    assert reply.is_error and named in bot.text("olive", f"metrics C-1 date=2026-11-24 {figures}")
    assert "not recorded" in bot.text("olive", "report C-1") or "No metrics yet" in bot.text("olive", "report C-1")


def test_a_later_entry_cannot_make_a_stored_day_impossible(bot: TestBot) -> None:
    bot.ok("olive", "metrics C-1 date=2026-11-24 impressions=40")
    assert "clicks (50) cannot be above impressions (40)" in bot.text("olive", "metrics C-1 date=2026-11-24 clicks=50")


def test_bulk_rows_with_impossible_counts_are_refused_per_row() -> None:
    row = {"campaign": "C-1", "date": "2026-11-24", "spend": "10", "impressions": 100, "clicks": 500,
           "conversions": 1, "revenue": "0"}
    with pytest.raises(Rejected) as refused:
        parse_row(3, row)
    assert refused.value.field == "clicks" and "cannot be above impressions" in refused.value.message
    with pytest.raises(Rejected) as again:
        parse_row(4, row | {"clicks": 10, "conversions": 11})
    assert again.value.field == "conversions"


def test_revenue_left_out_is_not_recorded_and_roi_is_not_a_miss(bot: TestBot) -> None:
    card = bot.text("olive", "metrics C-1 date=2026-11-24 spend=1000 impressions=5000 clicks=50")
    assert "Revenue       not recorded" in card
    report = bot.text("olive", "report C-1")
    assert "1:0.00" not in report and "❌" not in report
    assert "ROI all-in                    n/a  (target 1:3.00)" in report
    overview = bot.text("olive", "overview")
    assert "ROI n/a vs 1:3.00" in overview
    assert "ROI n/a vs 1:3.00 " not in overview  # no verdict, no mark, and no stray space where it would be
    bot.ok("olive", "metrics C-1 date=2026-11-24 revenue=4000")  # recorded later, the same day is completed
    assert "ROI all-in                    1:4.00  (target 1:3.00 ✅)" in bot.text("olive", "report C-1")


def test_todays_partial_numbers_raise_no_alert_until_the_day_is_over(bot: TestBot) -> None:
    rng = random.Random(5)
    for n in range(28, 0, -1):
        bot.ok("olive", f"metrics C-1 date={TODAY - timedelta(days=n)} spend={rng.randint(950, 1050)} "
                        f"impressions=100000 clicks=2000 conversions={rng.randint(76, 84)} revenue=4000")
    bot.ok("olive", f"metrics C-1 date={TODAY} spend=200 impressions=20000 clicks=400 conversions=16 revenue=800")
    bot.deliver()
    assert not [t for t in bot.sent_to("local") if "Unusual day" in t]  # 10:00: a fifth of a day, not a fall
