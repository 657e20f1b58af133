"""The NAB bench's two contenders on hand-made series: NAB's windowed Gaussian to the last figure, and MEMS
moved to hourly (or finer) cadence alerting once, when an anomaly starts."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

import pytest

from bench.nab import Series, gaussian_scores, mems_alerts

START = datetime(2026, 3, 2)


def test_the_gaussian_scores_each_row_against_the_rows_before_it() -> None:
    scores = gaussian_scores(Series("s", [START] * 4, [1.0, 2.0, 3.0, 100.0], []))
    assert scores[0] == 0.0  # nothing before it
    assert scores[1] == 1.0  # one row before: standard deviation 0, taken as 1e-6
    assert scores[2] == pytest.approx(1 - 0.5 * math.erfc(3 / math.sqrt(2)))  # mean 1.5, sd 0.5: z = 3
    assert scores[3] == 1.0  # z = 120: the score saturates, as NAB's does


def test_the_gaussian_is_symmetric_for_drops() -> None:
    up = gaussian_scores(Series("s", [START] * 5, [1.0, 3.0, 1.0, 3.0, 4.5], []))[4]
    down = gaussian_scores(Series("s", [START] * 5, [1.0, 3.0, 1.0, 3.0, -0.5], []))[4]
    assert up == down == pytest.approx(1 - 0.5 * math.erfc(2.5 / math.sqrt(2)))  # mean 2, sd 1: |z| = 2.5


def series(rows_per_hour: int, spike_at: int, hours: int = 3) -> tuple[Series, int]:
    """Ten days with a daily rhythm and a little noise; `hours` hours from hour `spike_at` are 4x."""
    rng = random.Random(2)
    times, values, first = [], [], -1
    for step in range(10 * 24 * rows_per_hour):
        at = START + timedelta(minutes=step * 60 // rows_per_hour)
        hour = step // rows_per_hour
        value = (100 + 50 * math.sin(at.hour / 24 * 2 * math.pi)) * rng.uniform(0.95, 1.05)
        if spike_at <= hour < spike_at + hours:
            first = step if first < 0 else first
            value *= 4
        times.append(at)
        values.append(value)
    return Series("s", times, values, []), first


@pytest.mark.parametrize("rows_per_hour", [1, 12])
def test_mems_alerts_once_when_a_spike_starts_at_any_cadence(rows_per_hour: int) -> None:
    spiky, first = series(rows_per_hour, spike_at=9 * 24 + 14)
    assert mems_alerts(spiky) == [first]


def test_mems_is_quiet_on_a_daily_rhythm() -> None:
    quiet, _ = series(1, spike_at=10_000)
    assert mems_alerts(quiet) == []
