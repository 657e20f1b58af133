"""The report against hand-computed tables: KPIs per day, per channel and overall, to the cent, with n/a
where a denominator is zero; targets compared; pacing shown; the chart carries the daily series."""

from __future__ import annotations

import re

import pytest

from tests.builders import TestBot

# day        channel  spend    impr.   clicks conv. revenue
# 2026-11-23 douyin   1000.00  50,000  1,000  40    4,000.00
# 2026-11-23 wechat    333.33  10,000    300   0        0.00
# 2026-11-24 douyin      0.00       0      0   0      100.00
ROWS = [
    "metrics C-1 date=2026-11-23 channel=douyin spend=1000 impressions=50000 clicks=1000 conversions=40 revenue=4000",
    "metrics C-1 date=2026-11-23 channel=wechat spend=333.33 impressions=10000 clicks=300 conversions=0 revenue=0",
    "metrics C-1 date=2026-11-24 channel=douyin spend=0 impressions=0 clicks=0 conversions=0 revenue=100",
]


@pytest.fixture
def report() -> str:
    bot = TestBot()
    bot.ok("olive", "new Launch start=2026-11-16 end=2026-11-29 kpi.roi=3 kpi.cpa=40 kpi.ctr=2%")
    for line in ROWS:
        bot.ok("olive", line)
    return bot.text("olive", "report C-1")


def field(card: str, label: str) -> str:
    """The value of one field of a console card, whatever the width of its label column."""
    found = re.search(rf"^  {re.escape(label)}  +(.*)$", card, re.M)
    assert found, f"no field {label!r} in\n{card}"
    return found.group(1)


def test_overall_kpis_to_the_cent(report: str) -> None:
    # spend 1,333.33; revenue 4,100; ROI 4100/1333.33 = 3.0750...; CTR 1300/60000 = 2.1667 %;
    # CVR 40/1300 = 3.0769 %; CPC 1333.33/1300 = 1.02564 -> ¥1.03; CPA 1333.33/40 = 33.33325 -> ¥33.33
    for label, expected in (("Media spend", "¥1,333.33"), ("Revenue", "¥4,100.00"), ("ROI on media", "1:3.08"),
                            ("CTR", "2.17%"), ("CVR", "3.08%"), ("CPC", "¥1.03"), ("CPA", "¥33.33")):
        assert field(report, label).startswith(expected)


def test_targets_are_compared(report: str) -> None:
    assert "1:3.08  (target 1:3.00 ✅)" in report
    assert "¥33.33  (target ¥40.00 ✅)" in report
    assert "2.17%  (target 2.00% ✅)" in report


def test_each_day_with_n_a_for_zero_denominators(report: str) -> None:
    # 11-23: ROI 4000/1333.33 = 3.00; CTR 1300/60000; CVR 40/1300; CPC ¥1.03; CPA ¥33.33
    assert "2026-11-23 Mon  ¥1,333.33 · ROI 1:3.00 · CTR 2.17% · CVR 3.08% · CPC ¥1.03 · CPA ¥33.33" in report
    # 11-24: no spend, no impressions, no clicks, no conversions: every ratio is n/a, never an error
    assert "2026-11-24 Tue  ¥0.00 · ROI n/a · CTR n/a · CVR n/a · CPC n/a · CPA n/a" in report


def test_each_channel(report: str) -> None:
    # douyin: 1000 spend, 4100 revenue -> 1:4.10; CTR 1000/50000 = 2.00 %; CVR 4.00 %; CPC ¥1.00; CPA ¥25.00
    assert "douyin: Spend ¥1,000.00 · ROI 1:4.10 · CTR 2.00% · CVR 4.00% · CPC ¥1.00 · CPA ¥25.00" in report
    # wechat: no revenue -> 1:0.00; CTR 3.00 %; no conversions -> CVR 0.00 %, CPA n/a; CPC 333.33/300 = ¥1.11
    assert "wechat: Spend ¥333.33 · ROI 1:0.00 · CTR 3.00% · CVR 0.00% · CPC ¥1.11 · CPA n/a" in report


def test_pacing_and_the_text_sparkline(report: str) -> None:
    assert "Spend pacing" in report
    # the console has no images: the chart is a caption and one sparkline per series, shown once
    assert "  Spend and conversions by day  11-23 → 11-24\n    Spend        █▁\n    Conversions  █▁" in report
    assert report.count("█▁") == 2


def test_the_card_carries_a_chart_of_spend_and_conversions() -> None:
    bot = TestBot()
    bot.ok("olive", "new Launch")
    for line in ROWS:
        bot.ok("olive", line)
    chart = bot.ok("olive", "report C-1").card.chart
    assert chart is not None
    assert chart.labels == ("11-23", "11-24")
    assert chart.series == (("Spend", (1333.33, 0.0)), ("Conversions", (40.0, 0.0)))


def test_chinese_report_uses_chinese_labels() -> None:
    bot = TestBot(lang="zh")
    bot.ok("olive", "新建 发布会")
    bot.ok("olive", ROWS[2])
    text = bot.text("olive", "报告 C-1")
    assert "按日：" in text and "ROI 无 · CTR 无" in text
