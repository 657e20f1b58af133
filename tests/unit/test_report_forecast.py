"""The report's forecasts: spend at the campaign's end against the approved budget, and each KPI at the end with
its interval; "not enough data" under 7 days of metrics."""

from __future__ import annotations

from tests.builders import TestBot


def campaign(bot: TestBot, days: int) -> None:
    bot.ok("alice", "role add @bob manager")
    bot.ok("alice", "role add @fay finance")
    bot.ok("olive", "new Winter start=2026-11-01 end=2026-11-30 budget=40k kpi.roi=3 kpi.cpa=40")
    bot.ok("olive", "budget request C-1 30000 media")
    bot.ok("bob", "approve A-1")
    bot.ok("fay", "approve A-1")
    bot.ok("olive", 'budget spend C-1 500 "KOL fee"')
    for d in range(1, days + 1):
        bot.ok("olive", f"metrics C-1 date=2026-11-{d:02d} spend=1000 impressions=40000 clicks=800 conversions=20 "
                        "revenue=2500")


def test_under_seven_days_the_report_says_not_enough_data() -> None:
    bot = TestBot()
    campaign(bot, 6)
    report = bot.text("olive", "report C-1")
    assert "Forecast to the end (2026-11-30 Mon):\n  not enough data (under 7 days of metrics)" in report


def test_a_steady_campaign_projects_its_spend_and_kpis_to_the_end() -> None:
    bot = TestBot()
    campaign(bot, 14)
    report = bot.text("olive", "report C-1")
    # 1,000 a day for 30 days + the 500 fee; against 30,000 approved: 102 %.
    assert "Spend at the end: ¥30,500.00 (95 % interval ¥30,500.00 – ¥30,500.00) against approved ¥30,000.00 " \
           "(102% of it)" in report
    assert "ROI at the end: 1:2.50 (95 % interval 1:2.50 – 1:2.50)  (target 1:3.00 ❌)" in report
    assert "CPA at the end: ¥50.00 (95 % interval ¥50.00 – ¥50.00)  (target ¥40.00 ❌)" in report
    assert "CTR at the end: 2.00%" in report


def test_the_forecast_is_in_chinese_too() -> None:
    bot = TestBot(lang="zh")
    campaign(bot, 10)
    assert "至结束日（2026-11-30 周一）的预测" in bot.text("olive", "报告 C-1")
