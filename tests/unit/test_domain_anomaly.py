"""The detector on synthetic campaigns: a spike and a drop are found, a weekly rhythm is not an anomaly,
too little history or volume never alerts, an anomaly that lasts is told once, one past anomaly does not
hide the next, and a metric that routinely jumps is judged against its jumps."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.anomaly import DAILY, Point, Rules, detect, extreme, judge, spread, unusual
from domain.metrics import Kpis

START = date(2026, 11, 2)  # a Monday


def day_of(rng: random.Random, scale: float = 1.0, cvr: float = 0.04) -> Kpis:
    """A normal day: about ¥1,000 spend, 100k impressions, 2 % CTR, 4 % CVR, with a few % of noise."""
    jitter = lambda: rng.uniform(0.93, 1.07)  # noqa: E731
    impressions = int(100_000 * scale * jitter())
    clicks = int(impressions * 0.02 * jitter())
    conversions = int(clicks * cvr * jitter())
    spend = Decimal(str(round(1000 * scale * jitter(), 2)))
    return Kpis(spend, impressions, clicks, conversions, spend * 4)


def campaign(days: int, seed: int = 7, weekly: bool = False) -> dict[date, Kpis]:
    rng = random.Random(seed)
    series = {}
    for n in range(days):
        d = START + timedelta(days=n)
        series[d] = day_of(rng, 0.5 if weekly and d.weekday() >= 5 else 1.0)
    return series


def moved(series: dict[date, Kpis], day: date) -> set[str]:
    return {m.metric for m in detect(series, day)}


def test_a_quiet_campaign_raises_nothing_on_any_day() -> None:
    series = campaign(42)
    assert all(not moved(series, d) for d in series)


def test_a_spend_spike_is_found_with_its_baseline_and_size() -> None:
    series = campaign(29)
    last = max(series)
    series[last] = replace(series[last], spend=series[last].spend * 3)
    (move,) = [m for m in detect(series, last) if m.metric == "spend"]
    assert 900 < move.baseline < 1100
    assert move.change == pytest.approx(2.0, abs=0.25)
    assert move.z > 4


def test_a_conversion_drop_is_found_in_conversions_and_cvr() -> None:
    series = campaign(29)
    last = max(series)
    series[last] = replace(series[last], conversions=series[last].conversions // 5)
    assert moved(series, last) == {"conversions", "cvr"}  # CPA on 16 conversions is too noisy to call
    cvr = next(m for m in detect(series, last) if m.metric == "cvr")
    assert cvr.change is not None and cvr.change < -0.7 and cvr.z < -4


def test_spend_up_with_the_same_conversions_is_a_cpa_spike() -> None:
    series = campaign(29)
    last = max(series)
    series[last] = replace(series[last], spend=series[last].spend * Decimal("2.5"))
    assert moved(series, last) == {"spend", "cpa"}


def test_a_weekly_rhythm_is_not_an_anomaly() -> None:
    series = campaign(63, weekly=True)
    assert [d for d in series if moved(series, d)] == []


def test_a_new_campaigns_first_weekend_is_not_an_anomaly() -> None:
    series = campaign(13, weekly=True)  # one earlier weekend only: the overall median would call it a collapse
    assert [d for d in series if moved(series, d)] == []


def test_a_saturday_that_looks_like_a_weekday_is_found_once_saturdays_are_known() -> None:
    series = campaign(34, weekly=True)
    saturday = START + timedelta(days=33)
    assert saturday.weekday() == 5
    series[saturday] = day_of(random.Random(1), 1.6)
    assert "spend" in moved(series, saturday)


@pytest.mark.parametrize("history", [0, 1, 3, 6])
def test_fewer_than_seven_days_of_history_never_alerts(history: int) -> None:
    series = campaign(history + 1)
    last = max(series)
    series[last] = Kpis(Decimal("50000"), 10, 0, 0, Decimal("0"))
    assert detect(series, last) == []


def test_seven_days_of_history_is_enough() -> None:
    series = campaign(8)
    last = max(series)
    series[last] = replace(series[last], spend=series[last].spend * 4)
    assert "spend" in moved(series, last)


def test_low_volume_never_alerts() -> None:
    rng = random.Random(3)
    series = {START + timedelta(days=n): Kpis(Decimal(str(round(rng.uniform(20, 30), 2))), rng.randint(400, 600),
                                                rng.randint(8, 12), rng.randint(1, 3), Decimal("60"))
              for n in range(28)}
    last = max(series)
    series[last] = Kpis(Decimal("60"), 900, 40, 0, Decimal("0"))  # 2-3x everything, conversions gone
    assert detect(series, last) == []


def test_a_day_with_no_metrics_is_not_judged() -> None:
    assert detect(campaign(20), START + timedelta(days=40)) == []


def test_judge_needs_the_minimum_history() -> None:
    history = [Point(0, 1.0, n) for n in range(6)]
    assert judge(history, Point(0, 100.0, 7)) is None
    assert judge([*history, Point(0, 1.0, 6)], Point(0, 100.0, 7)) is not None


def test_a_large_z_with_a_tiny_change_is_not_unusual() -> None:
    flat = [Point(i % 7, 1000.0 + (i % 2), i // 7) for i in range(28)]
    small = judge(flat, Point(0, 1100.0, 4), Rules(rel_floor=0.0))
    assert small is not None and small.z > 4 and not unusual(small)  # +10 %: below the 25 % a marketer acts on


def spiked(series: dict[date, Kpis], day: date, factor: str) -> None:
    series[day] = replace(series[day], spend=series[day].spend * Decimal(factor))


def test_an_anomaly_that_lasts_is_told_once_when_it_starts() -> None:
    series = campaign(31)
    first, second, back = START + timedelta(days=28), START + timedelta(days=29), START + timedelta(days=30)
    spiked(series, first, "3")
    spiked(series, second, "3")
    assert "spend" in moved(series, first)
    assert "spend" not in moved(series, second)  # the same anomaly, still going: it was told yesterday
    assert "spend" not in moved(series, back)


def test_a_drop_right_after_a_spike_is_a_new_anomaly() -> None:
    series = campaign(30)
    spike, drop = START + timedelta(days=28), START + timedelta(days=29)
    spiked(series, spike, "3")
    spiked(series, drop, "0.2")
    assert "spend" in moved(series, spike)
    assert "spend" in moved(series, drop)


def test_one_past_anomaly_does_not_hide_the_next() -> None:
    series = campaign(29)
    earlier, last = START + timedelta(days=14), START + timedelta(days=28)
    spiked(series, earlier, "3")
    spiked(series, last, "3")
    assert "spend" in moved(series, earlier)
    assert "spend" in moved(series, last)  # the spread ignores the two largest changes; one extreme is not usual


def jumpy(values: dict[int, float]) -> list[Point]:
    """Four weeks of a flat 1,000 with the given days (0-27) at other values."""
    return [Point(n % 7, values.get(n, 1000.0 + 10 * (n % 3)), n // 7) for n in range(28)]


def test_a_metric_that_routinely_jumps_is_judged_against_its_jumps() -> None:
    history = jumpy({0: 2000.0, 7: 2100.0, 14: 1950.0, 21: 2050.0})  # a promotion every Monday
    thursday = judge(history, Point(3, 2100.0, 4), DAILY)  # far from the usual Thursday, but no higher than a Monday
    assert thursday is not None and thursday.z > DAILY.threshold
    assert thursday.reach < DAILY.beyond and not unusual(thursday)
    much = judge(history, Point(3, 5000.0, 4), DAILY)
    assert much is not None and much.reach > DAILY.beyond and unusual(much)


def test_the_usual_extreme_is_counted_in_cycles() -> None:
    # every other cycle: 4 cycles -> the 2nd largest move up, 6 cycles -> the 3rd
    four = [Point(0, v, c) for c, v in enumerate([5.0, 3.0, 1.0, 0.0])] + [Point(1, 0.0, c) for c in range(4)] * 3
    six = four + [Point(0, 0.0, c) for c in (4, 5)]
    assert extreme(four, 0.0, up=True) == 3.0
    assert extreme(six, 0.0, up=True) == 1.0
    assert extreme(four, 0.0, up=False) == 0.0  # nothing ever went below


def test_the_spread_is_the_change_from_one_cycle_to_the_next_whatever_the_cadence() -> None:
    rng = random.Random(5)
    hourly = [Point(h, 100.0 + 10 * h + rng.gauss(0, 3), d) for d in range(7) for h in range(24)]
    fine = [Point(p.phase, p.value + (0.0 if m == 0 else rng.uniform(-40, 40)), p.cycle)
            for p in hourly for m in range(12)]  # five-minute rows: wild within the hour, the hour's first as hourly
    overall = 200.0
    assert spread(fine, overall) == pytest.approx(spread(hourly, overall))
    assert spread(hourly, overall) == pytest.approx(3.0, rel=0.5)  # the day-to-day noise, not the daily rhythm
