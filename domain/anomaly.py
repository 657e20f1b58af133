"""Anomaly detection on a campaign's own history: robust baselines (median and MAD), same weekday where
there is enough data, a minimum history and volume. Pure: series in, judgements out."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist, median

from domain.metrics import Kpis

MAD_TO_SIGMA = 1.4826  # MAD x this estimates the standard deviation of normal noise
_NORMAL_ABS = {q: NormalDist().inv_cdf((1 + q) / 2) for q in (0.75, 0.9, 0.95, 0.98)}  # |N(0,1)| quantiles
METRICS = ("spend", "conversions", "ctr", "cvr", "cpa")


@dataclass(frozen=True, slots=True)
class Rules:
    """How sure the detector must be. Daily defaults; a season of 7 means "same weekday"."""

    window: int = 28  # steps of history looked at
    min_history: int = 7  # observations needed before anything can be called unusual
    season: int = 7  # steps in one cycle
    min_season: int = 3  # same-phase observations needed to trust the seasonal baseline alone
    threshold: float = 4.0  # robust z: how many usual spreads away
    min_change: float = 0.25  # and how large the move must be against the baseline
    rel_floor: float = 0.05  # the spread is never taken as below 5 % of the baseline
    spread_quantile: float = 0.9  # 0.5 would be the MAD; 0.9 reads heavy tails (NAB) yet survives an outlier
    min_impressions: int = 1000  # CTR is judged only on days with this many impressions
    min_clicks: int = 100  # CVR: this many clicks
    min_conversions: int = 10  # CPA and conversions: this many conversions (day or baseline)
    min_spend: float = 100.0  # spend: a baseline of at least this much


DAILY = Rules()


@dataclass(frozen=True, slots=True)
class Point:
    phase: int  # position in the cycle: weekday for daily data, hour of day for hourly data
    value: float


@dataclass(frozen=True, slots=True)
class Judgement:
    level: float  # the baseline the value is compared with
    scale: float  # the usual spread around it
    z: float  # (value - level) / scale

    @property
    def change(self) -> float | None:
        """The move relative to the baseline: -0.8 is a fall of 80 %."""
        return None if self.level == 0 else self.z * self.scale / abs(self.level)


def _mad(values: Sequence[float], centre: float, q: float = 0.5) -> float:
    """The q-quantile of the absolute deviations, scaled to estimate a normal standard deviation."""
    deviations = sorted(abs(v - centre) for v in values)
    if q == 0.5 or len(deviations) < 4:
        return MAD_TO_SIGMA * median(deviations)
    at = q * (len(deviations) - 1)
    low = int(at)
    high = min(low + 1, len(deviations) - 1)
    cut = deviations[low] + (deviations[high] - deviations[low]) * (at - low)
    return cut / _NORMAL_ABS.get(q, NormalDist().inv_cdf((1 + q) / 2))


def spread(history: Sequence[Point], overall: float, q: float = 0.5) -> float:
    """The usual step-to-step noise. Differences between consecutive same-phase observations cancel the
    weekly rhythm (and slow trends); with too few of them, the MAD around the overall median."""
    last: dict[int, float] = {}
    diffs: list[float] = []
    for point in history:
        if point.phase in last:
            diffs.append(point.value - last[point.phase])
        last[point.phase] = point.value
    if len(diffs) >= 5:
        return _mad(diffs, 0.0, q) / math.sqrt(2)
    return _mad([p.value for p in history], overall, q)


def judge(history: Sequence[Point], now: Point, rules: Rules = DAILY, floor: float = 0.0) -> Judgement | None:
    """How unusual `now` is against `history` (oldest first); None without enough history.

    With enough same-phase observations the baseline is their median (the usual Saturday); with one or
    two, whichever of that and the overall median is nearer, so a new campaign's first weekend is not
    called a collapse; with none, the overall median. `floor` is the noise the caller knows the value
    has anyway (Poisson or binomial noise of a small count)."""
    if len(history) < rules.min_history:
        return None
    values = [p.value for p in history]
    overall = median(values)
    noise = spread(history, overall, rules.spread_quantile)
    same = [p.value for p in history if p.phase == now.phase] if rules.season > 1 else []
    levels = [median(same)] if len(same) >= rules.min_season else [overall, *([median(same)] if same else [])]
    best: Judgement | None = None
    for level in levels:
        scale = max(noise, rules.rel_floor * abs(level), floor, 1e-12)
        found = Judgement(level, scale, (now.value - level) / scale)
        if best is None or abs(found.z) < abs(best.z):
            best = found
    return best


def unusual(j: Judgement | None, rules: Rules = DAILY) -> bool:
    if j is None or abs(j.z) < rules.threshold:
        return False
    change = j.change
    return change is None or abs(change) >= rules.min_change


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


def _floor(k: Kpis, metric: str, value: float, rules: Rules) -> float:
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


def detect(days: Mapping[date, Kpis], day: date, rules: Rules = DAILY, channel: str = "") -> list[Move]:
    """Every metric of `day` that departs from the same series' last `rules.window` days."""
    today = days.get(day)
    if today is None:
        return []
    start = day - timedelta(days=rules.window)
    past = sorted((d, k) for d, k in days.items() if start <= d < day)
    if len(past) < rules.min_history:
        return []
    moves = []
    for metric in METRICS:
        value = _value(today, metric, rules)
        if value is None:
            continue
        history = [Point(d.weekday(), v) for d, k in past if (v := _value(k, metric, rules)) is not None]
        j = judge(history, Point(day.weekday(), value), rules, _floor(today, metric, value, rules))
        if j is not None and unusual(j, rules) and _big_enough(metric, value, j, rules):
            moves.append(Move(metric, value, j.level, j.z, j.change, channel))
    return moves
