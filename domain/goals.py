"""Goals (OKR/KPI targets) `G-<n>`: a metric, a target, a period (a year, a quarter or a month), optionally a
channel; children decompose a parent (by quarter, month or channel) and must add up to it. A goal counts the
metrics of the campaigns linked to it or to any of its children, inside its period (and channel).

`progress` says where a goal stands: actual, expected by now (pro rata over the period's days), the forecast at the
period's end with a 95 % interval (domain.forecast on the goal's own daily history), and on or off track (off when
the forecast misses the target by more than 10 %)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from domain import forecast
from domain.errors import InvalidInput
from domain.forecast import Estimate
from domain.metrics import DailyMetric
from domain.stored import Stored

GOAL_METRICS = ("revenue", "conversions", "leads", "roi", "cpa", "spend")
ADDITIVE = frozenset({"revenue", "conversions", "leads", "spend"})  # children's targets add up to the parent's
MONEY_METRICS = frozenset({"revenue", "spend", "cpa"})
MISS = Decimal("0.10")  # off track: the forecast misses the target by more than this share

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True, slots=True)
class Period:
    label: str  # 2027, 2027-Q1, 2027-03
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def contains(self, other: Period) -> bool:
        return self.first <= other.first and other.last <= self.last

    def elapsed(self, today: date) -> int:
        """Days of the period that are over or under way today (today counts as elapsed)."""
        return min(max((today - self.first).days + 1, 0), self.days)


def period(text: str) -> Period:
    """`2027`, `2027-Q1` (or `2027Q1`), `2027-03`."""
    raw = text.strip()
    if found := _YEAR.match(raw):
        year = int(found.group(1))
        return Period(f"{year}", date(year, 1, 1), date(year, 12, 31))
    if found := _QUARTER.match(raw):
        year, quarter = int(found.group(1)), int(found.group(2))
        first = date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        return Period(f"{year}-Q{quarter}", first, date(year, last_month, calendar.monthrange(year, last_month)[1]))
    if (found := _MONTH.match(raw)) and 1 <= int(found.group(2)) <= 12:
        year, month = int(found.group(1)), int(found.group(2))
        last = calendar.monthrange(year, month)[1]
        return Period(f"{year}-{month:02d}", date(year, month, 1), date(year, month, last))
    raise InvalidInput("period", "bad_period", value=text)


@dataclass(slots=True)
class Goal(Stored):
    workspace_id: int
    name: str
    metric: str
    target: Decimal
    period: Period
    owner: str
    created_at: datetime
    channel: str = ""
    parent_id: int | None = None
    campaigns: list[int] = field(default_factory=list)
    id: int | None = None
    version: int = 0

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("name", "empty_name")
        if len(self.name) > 200:
            raise InvalidInput("name", "too_long", limit=200)
        if self.metric not in GOAL_METRICS:
            raise InvalidInput("metric", "bad_goal_metric", value=self.metric, allowed=", ".join(GOAL_METRICS))
        if not self.target.is_finite() or self.target <= 0:
            raise InvalidInput("target", "amount_not_positive", value=str(self.target))

    @property
    def ref(self) -> str:
        return f"G-{self.id or 0}"

    def check_child_of(self, parent: Goal) -> None:
        """A child measures the parent's metric, inside its period, and in its channel if it has one."""
        if self.metric != parent.metric:
            raise InvalidInput("parent", "goal_metric_differs", parent=parent.ref, metric=parent.metric)
        if not parent.period.contains(self.period):
            raise InvalidInput("period", "goal_outside_parent", parent=parent.ref, period=parent.period.label)
        if parent.channel and self.channel != parent.channel:
            raise InvalidInput("channel", "goal_channel_differs", parent=parent.ref, channel=parent.channel)

    def link(self, campaign_id: int) -> bool:
        """True when newly linked."""
        if campaign_id in self.campaigns:
            return False
        self.campaigns.append(campaign_id)
        return True


class Track(StrEnum):
    ON = "on_track"
    OFF = "off_track"
    UNKNOWN = "not_enough_data"
    NOT_STARTED = "not_started"


@dataclass(frozen=True, slots=True)
class Progress:
    goal: Goal
    actual: Decimal | None  # None: a ratio with a zero denominator so far
    expected: Decimal
    forecast: Estimate | None  # None: not enough data (under 7 days), or the period has not started
    track: Track
    days_of_data: int

    @property
    def miss(self) -> Decimal | None:
        """How far the forecast falls short of the target, as a share of it (negative: ahead)."""
        if self.forecast is None:
            return None
        return shortfall(self.goal.metric, self.forecast.value, self.goal.target)


@dataclass(frozen=True, slots=True)
class Gap:
    """Children of one kind (a time split or a channel split) whose targets do not add up to the parent's."""

    split: str  # "period" | "channel"
    children: tuple[str, ...]
    total: Decimal
    target: Decimal


def shortfall(metric: str, value: Decimal, target: Decimal) -> Decimal:
    if metric == "spend":  # off plan either way
        return abs(target - value) / target
    if metric == "cpa":  # lower is better
        return (value - target) / target
    return (target - value) / target


def _figure(metric: str) -> tuple[str, str | None]:
    """The daily figure(s) a metric is made of: (numerator, denominator)."""
    return {"revenue": ("revenue", None), "conversions": ("conversions", None), "leads": ("conversions", None),
            "spend": ("spend", None), "roi": ("revenue", "spend"), "cpa": ("spend", "conversions")}[metric]


def in_scope(goal: Goal, rows: Iterable[DailyMetric]) -> list[DailyMetric]:
    return [r for r in rows if goal.period.first <= r.day <= goal.period.last
            and (not goal.channel or r.channel == goal.channel)]


def progress(goal: Goal, rows: Sequence[DailyMetric], today: date) -> Progress:
    """Where the goal stands today, from the metrics of its campaigns (any rows: those outside its period and
    channel are left out here)."""
    mine = in_scope(goal, rows)
    p = goal.period
    share = Decimal(p.elapsed(today)) / Decimal(p.days)
    expected = goal.target * share if goal.metric in ADDITIVE else goal.target
    num, den = _figure(goal.metric)
    actual = forecast.ratio(forecast.figure_sum(mine, num), forecast.figure_sum(mine, den) if den else None)
    if today < p.first:
        return Progress(goal, actual, expected, None, Track.NOT_STARTED, 0)
    seen = [r.day for r in mine]
    # The history runs from the first day with metrics to the last (a day not yet recorded, today's partial one
    # above all, is not a zero); the forecast covers every day after it up to the period's end.
    start = min(seen) if seen else p.first
    end = min(max(seen), p.last) if seen else p.first
    days = (end - start).days + 1 if seen else 0
    left = (p.last - end).days
    estimate = forecast.estimate(mine, num, den, start, end, left) if days > 0 else None
    if estimate is None:
        return Progress(goal, actual, expected, None, Track.UNKNOWN, days)
    track = Track.OFF if shortfall(goal.metric, estimate.value, goal.target) > MISS else Track.ON
    return Progress(goal, actual, expected, estimate, track, days)


def gaps(parent: Goal, children: Sequence[Goal]) -> list[Gap]:
    """For an additive metric: each split of the parent (its sub-periods; its channels) whose children's targets do
    not add up to the parent's target."""
    if parent.metric not in ADDITIVE:
        return []
    found = []
    for split, members in (("period", [c for c in children if c.period != parent.period]),
                           ("channel", [c for c in children if c.period == parent.period and c.channel])):
        if not members:
            continue
        total = sum((c.target for c in members), Decimal(0))
        if total != parent.target:
            found.append(Gap(split, tuple(c.ref for c in members), total, parent.target))
    return found
