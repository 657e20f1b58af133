"""Forecasts from a campaign's own daily history: where a daily series is heading, and what it adds up to by a
given end, with a 95 % interval. Used by goals (`goal G-1`), the report's projections and the retrospective.

The method, kept small enough to check by hand (bench/forecast.py measures it against "same as last week"):
- the last up to 28 days are the history; fewer than 7 is "not enough data";
- a straight line through them by least squares gives the level at the last day and the slope;
- from 14 days on, each weekday's mean departure from that line is added back (a weekly rhythm);
- the slope is damped (each day ahead adds 0.9 times the previous day's step), so a short run of growth is not
  carried on for months;
- the interval is the spread of the history around the fitted line, growing with the square root of the days
  ahead (for a total over h days: 1.96 x sd x sqrt(h) around the sum, since daily errors add up).
Values below zero are cut to zero: spend, clicks and revenue never go negative.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.metrics import DailyMetric

MIN_DAYS = 7
WINDOW = 28
SEASONAL_FROM = 14
WEEK = 7
DAMPING = 0.9
Z95 = 1.959964
T_KEEP = 2.0
F_KEEP = 2.5


@dataclass(frozen=True, slots=True)
class Projection:
    """A total over the days ahead: the point forecast and its 95 % interval."""

    value: float
    low: float
    high: float

    def plus(self, known: float) -> Projection:
        """The same projection with what is already known added (actual so far + what is still to come)."""
        return Projection(self.value + known, self.low + known, self.high + known)


@dataclass(frozen=True, slots=True)
class Model:
    level: float  # the fitted value at the last day of the history
    slope: float
    season: tuple[float, ...]  # departure by position in the week, index 0 = the day after the history's last
    sd: float

    def day(self, h: int) -> float:
        """The forecast h days after the last day of the history (h >= 1)."""
        steps = sum(DAMPING ** i for i in range(1, h + 1))
        seasonal = self.season[(h - 1) % WEEK] if self.season else 0.0
        return max(0.0, self.level + self.slope * steps + seasonal)


def fit(history: Sequence[float]) -> Model | None:
    """The model of a daily series, oldest first; None below MIN_DAYS days."""
    values = [float(v) for v in history][-WINDOW:]
    if len(values) < MIN_DAYS:
        return None
    return _fit(values, len(values) >= SEASONAL_FROM)


def fit_plain(values: list[float]) -> Model:
    """The fit without a weekly rhythm."""
    return _fit(values, False)


def _fit(values: list[float], seasonal: bool) -> Model:
    n = len(values)
    xs = list(range(n))
    season: tuple[float, ...] = ()
    # Backfitting: the line through the values less the weekly rhythm, the rhythm from what the line leaves, a few
    # times over (a line through a week that ends on its busy days would otherwise read them as a trend).
    for _ in range(20 if seasonal else 1):
        adjusted = [v - (season[(x - n) % WEEK] if season else 0.0) for x, v in zip(xs, values, strict=True)]
        if len(set(adjusted)) == 1:
            slope, intercept = 0.0, adjusted[0]
        else:
            slope, intercept = statistics.linear_regression(xs, adjusted)
        if seasonal:
            by_pos: list[list[float]] = [[] for _ in range(WEEK)]
            for x, v in zip(xs, values, strict=True):
                by_pos[(x - n) % WEEK].append(v - intercept - slope * x)  # index 0: the first day ahead's weekday
            means = [statistics.fmean(r) if r else 0.0 for r in by_pos]
            centre = statistics.fmean(means)
            season = tuple(m - centre for m in means)
    residuals = [v - intercept - slope * x - (season[(x - n) % WEEK] if season else 0.0)
                 for x, v in zip(xs, values, strict=True)]
    freedom = max(n - 2 - (WEEK if season else 0), 1)
    if season:  # the rhythm is kept only when it explains more than noise would (an F ratio of at least F_KEEP)
        explained = sum(season[(x - n) % WEEK] ** 2 for x in xs) / (WEEK - 1)
        left_over = sum(r * r for r in residuals) / freedom
        if left_over > 0 and explained / left_over < F_KEEP:
            return fit_plain(values)
    sd = math.sqrt(sum(r * r for r in residuals) / freedom)
    # A trend is kept only when it stands out of the noise (|slope| over its standard error at least T_KEEP);
    # otherwise the level is the last week's mean (less the rhythm) and nothing is carried forward.
    spread = math.sqrt(sum((x - (n - 1) / 2) ** 2 for x in xs))
    if sd > 0 and abs(slope) * spread / sd < T_KEEP:
        recent = list(zip(xs, values, strict=True))[-WEEK:]
        level = statistics.fmean(v - (season[(x - n) % WEEK] if season else 0.0) for x, v in recent)
        return Model(level, 0.0, season, sd)
    return Model(intercept + slope * (n - 1), slope, season, sd)


def daily(history: Sequence[float], horizon: int) -> list[float] | None:
    """Point forecasts for each of the next `horizon` days; None below MIN_DAYS days of history."""
    model = fit(history)
    if model is None:
        return None
    return [model.day(h) for h in range(1, horizon + 1)]


def total(history: Sequence[float], horizon: int) -> Projection | None:
    """What the next `horizon` days add up to, with a 95 % interval; None below MIN_DAYS days of history."""
    if horizon <= 0:
        return Projection(0.0, 0.0, 0.0) if len(history) >= MIN_DAYS else None
    model = fit(history)
    if model is None:
        return None
    point = sum(model.day(h) for h in range(1, horizon + 1))
    half = Z95 * model.sd * math.sqrt(horizon)
    return Projection(point, max(0.0, point - half), point + half)


def same_as_last_week(history: Sequence[float], horizon: int) -> list[float]:
    """The naive forecast the method is measured against: each day ahead repeats the same weekday of the last week."""
    last_week = list(history[-WEEK:])
    return [last_week[(h - 1) % len(last_week)] for h in range(1, horizon + 1)]


# --- daily metrics: a figure's or a ratio's value at an end date ---------------------------------------------------
@dataclass(frozen=True, slots=True)
class Estimate:
    """A value at the end of a period (what is known plus what is forecast), with its 95 % interval."""

    value: Decimal
    low: Decimal
    high: Decimal


def series(rows: Iterable[DailyMetric], name: str, first: date, last: date) -> list[float]:
    """A figure's daily totals from `first` to `last`; a day without metrics counts 0."""
    by_day: dict[date, float] = {}
    for row in rows:
        by_day[row.day] = by_day.get(row.day, 0.0) + float(getattr(row, name))
    return [by_day.get(first + timedelta(days=i), 0.0) for i in range((last - first).days + 1)]


def figure_sum(rows: Iterable[DailyMetric], name: str) -> Decimal:
    return sum((Decimal(getattr(r, name)) for r in rows), Decimal(0))


def ratio(num: Decimal, den: Decimal | None) -> Decimal | None:
    """`num` itself when there is no denominator; None for a zero one."""
    if den is None:
        return num
    return None if den == 0 else num / den


def _dec(value: float) -> Decimal:
    return Decimal(repr(round(value, 6)))


def _project(rows: Sequence[DailyMetric], name: str, start: date, end: date, left: int) -> Projection | None:
    projection = total(series(rows, name, start, end), left)
    return None if projection is None else projection.plus(float(figure_sum(rows, name)))


def estimate(rows: Sequence[DailyMetric], num: str, den: str | None, start: date, end: date,
             left: int) -> Estimate | None:
    """The figure `num` (or the ratio num / den) once the `left` days after `end` have passed, from the history
    `start`..`end`; None below MIN_DAYS days of history."""
    top = _project(rows, num, start, end, left)
    if top is None:
        return None
    if den is None:
        return Estimate(_dec(top.value), _dec(top.low), _dec(top.high))
    bottom = _project(rows, den, start, end, left)
    if bottom is None or bottom.value <= 0:
        return None
    # The ratio's interval: the numerator's ends over the denominator's opposite ends (a wide, honest bound).
    low = top.low / bottom.high if bottom.high > 0 else 0.0
    high = top.high / bottom.low if bottom.low > 0 else top.high / bottom.value
    return Estimate(_dec(top.value / bottom.value), _dec(low), _dec(high))
