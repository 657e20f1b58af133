"""Alerts that metrics and spend set off, through the real bus: an anomaly alert in the home channel,
acknowledged and snoozed; budget.threshold at 80 % and 100 % once each; the scans as the scheduler will send them."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from domain import commands as c
from tests.builders import TestBot

TODAY = date(2026, 11, 25)  # the fake clock's day in Shanghai


def normal_day(rng: random.Random) -> str:
    clicks = rng.randint(1900, 2100)
    return (f"spend={rng.randint(950, 1050)} impressions={rng.randint(95_000, 105_000)} clicks={clicks} "
            f"conversions={rng.randint(76, 84)} revenue={rng.randint(3900, 4100)}")


def with_history(bot: TestBot, days: int = 28, budget: str = "") -> None:
    bot.ok("olive", f'new "Spring Launch" {budget}'.strip())
    rng = random.Random(5)
    for n in range(days, 0, -1):
        bot.ok("olive", f"metrics C-1 date={TODAY - timedelta(days=n)} {normal_day(rng)}")


@pytest.fixture
def bot() -> TestBot:
    return TestBot()


def day_over(bot: TestBot) -> None:
    """Today's numbers are partial and never judged; the scan judges the day once it is over (01:00 next day)."""
    bot.clock.advance(hours=15)
    assert bot.container.bus.run_system(c.ScanAnomalies(bot.clock.now())).error is None


def anomaly_cards(bot: TestBot) -> list[str]:
    return [text for text in bot.sent_to("local") if "Unusual day" in text]


def test_a_normal_day_raises_nothing(bot: TestBot) -> None:
    with_history(bot)
    bot.ok("olive", f"metrics C-1 date={TODAY} {normal_day(random.Random(9))}")
    bot.deliver()
    assert anomaly_cards(bot) == []


def test_a_broken_day_alerts_the_home_channel_once_explained(bot: TestBot) -> None:
    with_history(bot)
    bot.ok("alice", "budget spend C-1 500 venue")  # a recent change the alert should mention
    bot.ok("olive", f"metrics C-1 date={TODAY} spend=1000 impressions=100000 clicks=2000 conversions=12 revenue=600")
    bot.ok("olive", f"metrics C-1 date={TODAY} spend=1000 impressions=100000 clicks=2000 conversions=12 revenue=600")
    bot.deliver()
    assert anomaly_cards(bot) == []  # today is not over: its numbers are partial
    day_over(bot)
    bot.deliver()
    (card,) = anomaly_cards(bot)
    assert "Unusual day for C-1 Spring Launch: 2026-11-25 Wed" in card
    assert "CVR 0.60% against a usual 4.08%: down 85%" in card
    assert "Conversions 12 against a usual 80: down 85%" in card
    assert "@alice  recorded spend  ¥500.00" in card
    assert "[Acknowledge] ack anomaly:C-1:2026-11-25" in card and "snooze anomaly:C-1:2026-11-25 24h" in card


def test_acknowledging_updates_every_copy_and_says_who(bot: TestBot) -> None:
    with_history(bot)
    bot.ok("olive", f"metrics C-1 date={TODAY} spend=3000 impressions=100000 clicks=2000 conversions=80 revenue=4000")
    day_over(bot)
    bot.deliver()
    text = bot.text("li", "ack anomaly:C-1:2026-11-25")
    assert "Acknowledged by @li" in text
    bot.deliver()
    (update,) = bot.gateway.updated
    assert "Acknowledged by <@li>" in update[2].sections[-1].text and update[2].buttons == ()
    assert "already acknowledged by @li" in bot.text("olive", "ack anomaly:C-1:2026-11-25")


def test_ack_of_a_day_without_an_alert_says_so(bot: TestBot) -> None:
    with_history(bot)
    assert "has no anomaly alert" in bot.text("olive", "ack anomaly:C-1:2026-11-20")
    assert "C-9 was not found" in bot.text("olive", "ack anomaly:C-9:2026-11-20")


def test_snooze_holds_the_next_alerts_for_that_campaign(bot: TestBot) -> None:
    with_history(bot)
    assert "snoozed by @olive until 2026-11-26 Thu 10:00" in bot.text("olive", "snooze C-1")
    bot.ok("olive", f"metrics C-1 date={TODAY} spend=3000 impressions=100000 clicks=2000 conversions=80 revenue=4000")
    day_over(bot)  # 01:00 the next day, within the 24 h snooze
    bot.deliver()
    assert anomaly_cards(bot) == []
    assert "You can't snooze" in bot.text("li", "snooze C-1")


def test_a_day_outside_the_lookback_is_history_not_news(bot: TestBot) -> None:
    with_history(bot)
    old = TODAY - timedelta(days=8)
    bot.ok("olive", f"metrics C-1 date={old} spend=9000 impressions=100000 clicks=2000 conversions=80 revenue=4000")
    bot.deliver()
    assert anomaly_cards(bot) == []


def test_the_scan_judges_days_that_were_never_judged(bot: TestBot) -> None:
    with_history(bot)
    bot.ok("olive", f"metrics C-1 date={TODAY} spend=3000 impressions=100000 clicks=2000 conversions=80 revenue=4000")
    day_over(bot)
    store = bot.store.table("anomalies")
    store.pop((1, TODAY))  # as if the commit that judged it had been lost
    bot.store.rows["outbox"] = {}
    result = bot.container.bus.run_system(c.ScanAnomalies(bot.clock.now()))
    assert result.error is None and result.written == 1  # one alert
    again = bot.container.bus.run_system(c.ScanAnomalies(bot.clock.now()))
    assert again.written == 0
    bot.deliver()
    assert len(anomaly_cards(bot)) == 1


def budget_alerts(bot: TestBot, to: str) -> list[str]:
    return [text for text in bot.sent_to(to) if "of its approved budget" in text]


def approved(bot: TestBot, amount: str) -> None:
    bot.ok("alice", "role add @mgr manager")
    bot.ok("olive", f"budget request C-1 {amount} media")
    request = max(bot.store.table("approvals"))
    bot.ok("mgr", f"approve A-{request}")


def test_budget_threshold_at_80_and_100_percent_once_each(bot: TestBot) -> None:
    bot.ok("olive", 'new Launch start=2026-11-01 end=2026-11-30')
    approved(bot, "10000")
    bot.ok("alice", "budget spend C-1 7000 venue")
    bot.deliver()
    assert budget_alerts(bot, "local") == []
    bot.ok("olive", f"metrics C-1 date={TODAY} spend=1000")  # 8,000 of 10,000: media spend counts too
    bot.ok("alice", "budget spend C-1 100 printing")
    bot.deliver()
    (first,) = budget_alerts(bot, "local")
    assert "C-1 Launch has spent 80% of its approved budget" in first and "80% of ¥10,000.00" in first
    assert len(budget_alerts(bot, "olive")) == 1  # the owner, directly
    bot.ok("alice", "budget spend C-1 2000 fees")
    bot.deliver()
    assert len(budget_alerts(bot, "local")) == 2 and "101% of ¥10,000.00" in budget_alerts(bot, "local")[1]
    assert bot.container.bus.run_system(c.ScanBudgets(bot.clock.now())).written == 0
    bot.deliver()
    assert len(budget_alerts(bot, "local")) == 2


def test_a_new_approved_amount_starts_the_levels_afresh(bot: TestBot) -> None:
    bot.ok("olive", "new Launch")
    approved(bot, "10000")
    bot.ok("alice", "budget spend C-1 8500 venue")
    bot.deliver()
    approved(bot, "1000")  # 8,500 of 11,000 = 77 %
    bot.ok("alice", "budget spend C-1 400 more")  # 8,900 of 11,000 = 81 %
    bot.deliver()
    assert len(budget_alerts(bot, "local")) == 2
