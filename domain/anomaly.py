"""Anomaly detection on a campaign's own history: a robust seasonal baseline, the noise read from its heavy
tail, the metric's usual extremes, and one alert when an anomaly starts. Pure: series in, judgements out.

A day is unusual for a metric when all of these hold (each rule is scored in bench/nab.py, see its README):
- it is `threshold` spreads from its baseline: the median of the same weekday when there are 3 of them
  (so a weekly rhythm is not news), and the spread is the week-to-week change of the same weekday, read
  from the heavy tail of those changes (their 99th percentile, normal-equivalent) but never from the two
  largest, since one past anomaly makes two large changes and must not hide the next one;
- it moves at least `min_change` (25 %) from the baseline: smaller moves are not worth a marketer's time;
- it goes beyond what the metric reaches every other cycle, in that direction (spikes against the past
  spikes, drops against the past drops): a metric that routinely jumps is judged against its jumps;
- the day before was not already unusual the same way: an anomaly that lasts is told once, when it starts.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist, median

from domain.metrics import Kpis

METRICS = ("spend", "conversions", "ctr", "cvr", "cpa")


@dataclass(frozen=True, slots=True)
class Rules:
    """How sure the detector must be. Daily defaults: a step is a day, a cycle is a week."""

    window: int = 28  # steps of history looked at
    min_history: int = 7  # observations needed before anything can be called unusual
    season: int = 7  # steps in one cycle (1: no seasonal baseline)
    min_season: int = 3  # same-phase observations needed to trust the seasonal baseline alone
    threshold: float = 4.0  # how many usual spreads away
    min_change: float = 0.25  # and how large the move must be against the baseline
    rel_floor: float = 0.05  # the spread is never taken as below 5 % of the baseline
    spread_quantile: float = 0.99  # the noise is read from the tail of the changes...
    spread_outliers: int = 2  # ...but never from their largest two
    extremes_per_cycle: float = 0.5  # the usual extreme: the one reached every other cycle...
    beyond: float = 1.1  # ...which an unusual move exceeds by 10 %
    min_impressions: int = 1000  # CTR is judged only on days with this many impressions
    min_clicks: int = 100  # CVR: this many clicks
    min_conversions: int = 10  # CPA and conversions: this many conversions (day or baseline)
    min_spend: float = 100.0  # spend: a baseline of at least this much


DAILY = Rules()


@dataclass(frozen=True, slots=True)
class Point:
    phase: int  # position in the cycle: weekday for daily data, hour of day for hourly data
    value: float
    cycle: int  # which cycle it belongs to: the week for daily data, the day for hourly data


@dataclass(frozen=True, slots=True)
class Judgement:
    level: float  # the baseline the value is compared with
    scale: float  # the usual spread around it
    z: float  # (value - level) / scale
    reach: float  # the move from the overall median, over the usual extreme in its direction

    @property
    def change(self) -> float | None:
        """The move relative to the baseline: -0.8 is a fall of 80 %."""
        return None if self.level == 0 else self.z * self.scale / abs(self.level)


def _tail(sizes: Sequence[float], rules: Rules) -> float:
    """The usual size of `sizes` (changes or deviations, all >= 0) as a normal standard deviation, from
    their `spread_quantile` but never from one of the `spread_outliers` largest (0.5 would be the MAD)."""
    ordered = sorted(sizes)
    n = len(ordered)
    q = max(0.5, min(rules.spread_quantile, 1 - rules.spread_outliers / n))
    at = q * (n - 1)
    low = int(at)
    high = min(low + 1, n - 1)
    cut = ordered[low] + (ordered[high] - ordered[low]) * (at - low)
    return cut / NormalDist().inv_cdf((1 + q) / 2)


def spread(history: Sequence[Point], overall: float, rules: Rules = DAILY) -> float:
    """The usual noise. Changes between a phase's observations in consecutive cycles (this Monday against
    last Monday) cancel the rhythm and slow trends; with too few of them, deviations from the median."""
    last: dict[int, Point] = {}
    changes: list[float] = []
    for point in history:
        before = last.get(point.phase)
        if before is not None and before.cycle == point.cycle:
            continue  # five-minute data: the first of the hour, so the change is from day to day, as hourly
        if before is not None:
            changes.append(abs(point.value - before.value))
        last[point.phase] = point
    if len(changes) >= 5:
        return _tail(changes, rules) / math.sqrt(2)  # a change carries the noise of two observations
    return _tail([abs(p.value - overall) for p in history], rules)


def extreme(history: Sequence[Point], overall: float, up: bool, rules: Rules = DAILY) -> float:
    """How far above (or below) its overall median the metric goes every other cycle: the k-th largest
    move that way, k = `extremes_per_cycle` x the cycles seen. Counted per cycle, not per observation, so
    it means the same for daily, hourly or five-minute data."""
    k = max(1.0, rules.extremes_per_cycle * len({p.cycle for p in history}))
    top = heapq.nlargest(math.ceil(k) + 1, ((p.value - overall) if up else (overall - p.value) for p in history))
    top = [max(x, 0.0) for x in top] + [0.0, 0.0]
    low = int(k) - 1
    return top[low] + (top[low + 1] - top[low]) * (k - int(k))


def judge(history: Sequence[Point], now: Point, rules: Rules = DAILY, floor: float = 0.0) -> Judgement | None:
    """How unusual `now` is against `history` (oldest first); None without enough history.

    With enough same-phase observations the baseline is their median (the usual Saturday); with one or
    two, whichever of that and the overall median is nearer, so a new campaign's first weekend is not
    called a collapse; with none, the overall median. `floor` is the noise the caller knows the value
    has anyway (Poisson or binomial noise of a small count)."""
    if len(history) < rules.min_history:
        return None
    overall = median(p.value for p in history)
    noise = spread(history, overall, rules)
    same = [p.value for p in history if p.phase == now.phase] if rules.season > 1 else []
    levels = [median(same)] if len(same) >= rules.min_season else [overall, *([median(same)] if same else [])]

    def scale(level: float) -> float:
        return max(noise, rules.rel_floor * abs(level), floor, 1e-12)

    level = min(levels, key=lambda lv: abs(now.value - lv) / scale(lv))
    z = (now.value - level) / scale(level)
    # how far it goes beyond the usual extreme, on the side it moved to: a rise from a low Sunday that stays
    # below the overall median goes beyond nothing
    usual = extreme(history, overall, z >= 0, rules)
    past = (now.value - overall) if z >= 0 else (overall - now.value)
    reach = 0.0 if past <= 0 else past / usual if usual > 0 else math.inf
    return Judgement(level, scale(level), z, reach)


def unusual(j: Judgement | None, rules: Rules = DAILY) -> bool:
    if j is None or abs(j.z) < rules.threshold or j.reach < rules.beyond:
        return False
    change = j.change
    return change is None or abs(change) >= rules.min_change


def starts(j: Judgement, before: Iterable[Judgement | None], rules: Rules = DAILY) -> bool:
    """Whether an unusual `j` starts an anomaly: none of the judgements of the step before was unusual
    the same way (an anomaly that lasts is told once)."""
    return not any(unusual(b, rules) and (b.z > 0) == (j.z > 0) for b in before if b is not None)


@dataclass(frozen=True, slots=True)
class Move:
    """One metric that departed from its baseline on the day."""

    metric: str  # spend | conversions | ctr | cvr | cpa
    value: float
    baseline: float
    z: float
    change: float | None
    channel: str = ""  # "" for the campaign as a whole


def _value(k: Kpis, metric: str, rules: Rules) -> float | None:
    """The metric of one day, or None where its volume is too small to mean anything."""
    if metric == "spend":
        return float(k.spend)
    if metric == "conversions":
        return float(k.conversions)
    if metric == "ctr":
        return float(k.clicks) / k.impressions if k.impressions >= rules.min_impressions else None
    if metric == "cvr":
        return float(k.conversions) / k.clicks if k.clicks >= rules.min_clicks else None
    return float(k.spend) / k.conversions if k.conversions >= rules.min_conversions else None


def _floor(k: Kpis, metric: str, value: float) -> float:
    """Sampling noise the day has whatever the history says: counts are Poisson, rates binomial."""
    if metric == "conversions":
        return math.sqrt(max(value, 1.0))
    if metric == "ctr":
        return math.sqrt(value * (1 - value) / k.impressions)
    if metric == "cvr":
        return math.sqrt(value * (1 - value) / k.clicks)
    if metric == "cpa":
        return value / math.sqrt(k.conversions)
    return 0.0


def _big_enough(metric: str, value: float, j: Judgement, rules: Rules) -> bool:
    if metric == "spend":
        return max(value, j.level) >= rules.min_spend
    if metric == "conversions":
        return max(value, j.level) >= rules.min_conversions
    return True


def _point(d: date, value: float) -> Point:
    return Point(d.weekday(), value, d.toordinal() // 7)


def _move(days: Mapping[date, Kpis], day: date, metric: str, rules: Rules) -> Judgement | None:
    """The judgement of one metric on one day against the `rules.window` days before it, when unusual."""
    today = days.get(day)
    value = None if today is None else _value(today, metric, rules)
    if today is None or value is None:
        return None
    start = day - timedelta(days=rules.window)
    past = sorted((d, k) for d, k in days.items() if start <= d < day)
    history = [_point(d, v) for d, k in past if (v := _value(k, metric, rules)) is not None]
    j = judge(history, _point(day, value), rules, _floor(today, metric, value))
    return j if j is not None and unusual(j, rules) and _big_enough(metric, value, j, rules) else None


def detect(days: Mapping[date, Kpis], day: date, rules: Rules = DAILY, channel: str = "") -> list[Move]:
    """Every metric of `day` that departs from the same series' last `rules.window` days, unless it did
    so the same way the day before (then it was told that day)."""
    today = days.get(day)
    past = sum(1 for d in days if day - timedelta(days=rules.window) <= d < day)
    if today is None or past < rules.min_history:
        return []
    moves = []
    for metric in METRICS:
        j = _move(days, day, metric, rules)
        if j is None or not starts(j, [_move(days, day - timedelta(days=1), metric, rules)], rules):
            continue
        value = _value(today, metric, rules)
        assert value is not None
        moves.append(Move(metric, value, j.level, j.z, j.change, channel))
    return moves
