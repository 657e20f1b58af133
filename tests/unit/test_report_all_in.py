"""The report's spend and ROI a marketer can trust: media spend, fees and the all-in total on one card that add up,
ROI shown on media and all-in, the ROI target judged all-in; spend pacing for a launch-dated campaign runs from the
day it was created to its launch."""

from __future__ import annotations

import json
import re

import pytest

from adapters.slack.render import message as slack
from tests.builders import TestBot

# The trap as it was found: ¥48,650 of media spend bringing ¥185,843 (1:3.82 on media) and ¥15,500.50 of agency
# fees, against a 1:3 target: all-in, 185,843 / 64,150.50 = 2.897 -> 1:2.90, a miss.
METRICS = "metrics C-1 date=2026-11-24 spend=48650 impressions=1000000 clicks=20000 conversions=500 revenue=185843"


def field(card: str, label: str) -> str:
    found = re.search(rf"^  {re.escape(label)}  +(.*)$", card, re.M)
    assert found, f"no field {label!r} in\n{card}"
    return found.group(1)


def launched(lang: str = "en") -> TestBot:
    """C-1 dated by its launch (2026-12-20, created 2026-11-25), ¥20,000 approved and ¥64,150.50 spent: 321 %."""
    bot = TestBot(lang=lang)
    bot.ok("alice", "role add @bob manager")
    bot.ok("alice", "role add @fay finance")
    bot.ok("olive", "new Launch budget=20000 launch=2026-12-20 kpi.roi=3")
    bot.ok("olive", "budget request C-1 20000 media")
    bot.ok("bob", "approve A-1")
    bot.ok("fay", "approve A-1")
    bot.ok("olive", "start C-1")
    bot.ok("olive", METRICS)
    bot.ok("olive", "budget spend C-1 15500.50 agency fees")
    return bot


@pytest.fixture
def report() -> str:
    return launched().text("olive", "report C-1")


def test_both_roi_figures_are_shown_and_the_target_is_judged_all_in(report: str) -> None:
    assert field(report, "ROI on media") == "1:3.82"
    assert field(report, "ROI all-in") == "1:2.90  (target 1:3.00 ❌)"
    assert "✅" not in report


def test_the_spend_lines_of_the_card_add_up(report: str) -> None:
    assert field(report, "Media spend") == "¥48,650.00"
    assert field(report, "Fees and other spend") == "¥15,500.50"
    assert field(report, "Spent, all-in (media + fees)") == "¥64,150.50"
    assert not re.search(r"^  Spen[dt]  ", report, re.M)  # no bare "Spend" beside a "Spent" of another amount


def test_a_launch_dated_campaign_at_321_percent_shows_its_pacing(report: str) -> None:
    # created 2026-11-25, launch 2026-12-20: 26 days, 1 gone (4 %); 64,150.50 / (20,000 x 1/26) = 8,340 %
    assert field(report, "Spend pacing") == "over-pacing: 8340% of plan with 4% of the time gone"


def test_the_budget_card_and_the_portfolio_agree() -> None:
    bot = launched()
    assert "not started" not in bot.text("olive", "budget C-1")
    overview = bot.text("olive", "overview")
    assert "pacing over-pacing" in overview and "ROI 1:2.90 vs 1:3.00 ✗" in overview
    assert "KPIs (actual / target)  ROI 1:2.90 / 1:3.00" in bot.text("olive", "show C-1")


def test_one_day_of_metrics_is_not_judged_against_the_campaign_target() -> None:
    bot = launched()
    card = bot.text("olive", "metrics C-1 date=2026-11-23 spend=100 revenue=382")
    assert field(card, "ROI on media") == "1:3.82" and "✅" not in card


def test_slack_and_chinese_show_both_labels() -> None:
    blocks = json.dumps(slack(launched().ok("olive", "report C-1").card, nonce="n"), ensure_ascii=False)
    assert "ROI on media" in blocks and "ROI all-in" in blocks and "1:2.90" in blocks
    zh = launched("zh").text("olive", "报告 C-1")
    assert field(zh, "ROI（含费用）") == "1:2.90  (目标 1:3.00 ❌)"
    assert field(zh, "ROI（仅媒体）") == "1:3.82"


def test_counts_not_recorded_read_as_chinese_in_a_chinese_report() -> None:
    """Spend recorded without counts: the volume line says so in each language's own punctuation, not an English
    half-width "(未录入: —)" inside Chinese text."""
    bot = TestBot(lang="zh")
    bot.ok("olive", "new Launch budget=20000 launch=2026-12-20")
    bot.ok("olive", "metrics C-1 date=2026-11-24 spend=100")
    zh = bot.text("olive", "报告 C-1")
    assert "（未录入：—）" in zh and "(未录入: —)" not in zh
    en = TestBot()
    en.ok("olive", "new Launch budget=20000 launch=2026-12-20")
    en.ok("olive", "metrics C-1 date=2026-11-24 spend=100")
    assert "(not recorded: —)" in en.text("olive", "report C-1")
