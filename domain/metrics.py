"""Daily metrics and the KPIs derived from them (ROI, CTR, CVR, CPC, CPA); a zero denominator is None."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from domain.errors import InvalidInput

FIGURES = ("spend", "impressions", "clicks", "conversions", "revenue")
COUNTS = ("impressions", "clicks", "conversions")


# Counts that can never exceed another: (the smaller, the larger).
BOUNDED = (("clicks", "impressions"), ("conversions", "clicks"))


def impossible(figures: dict[str, Decimal | int | None]) -> tuple[str, str] | None:
    """The first pair of recorded counts where the smaller exceeds the larger (clicks above impressions)."""
    for small, large in BOUNDED:
        a, b = figures.get(small), figures.get(large)
        if a is not None and b is not None and a > b:
            return small, large
    return None


def check_possible(figures: dict[str, Decimal | int | None]) -> None:
    pair = impossible(figures)
    if pair is not None:
        raise InvalidInput(pair[0], "count_above", other=pair[1], value=str(figures[pair[0]]),
                           limit=str(figures[pair[1]]))


@dataclass(frozen=True, slots=True)
class DailyMetric:
    """One day of a campaign (on one channel). A figure left out is None: not recorded, never zero."""

    workspace_id: int
    campaign_id: int
    day: date
    channel: str = ""
    spend: Decimal | None = None
    impressions: int | None = None
    clicks: int | None = None
    conversions: int | None = None
    revenue: Decimal | None = None

    def __post_init__(self) -> None:
        for name in COUNTS:
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise InvalidInput(name, "bad_count", value=str(value))
        for name in ("spend", "revenue"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, Decimal) or not value.is_finite() or value < 0):
                raise InvalidInput(name, "bad_money", value=str(value))
        if len(self.channel) > 64:
            raise InvalidInput("channel", "too_long", limit=64)

    def check_possible(self) -> None:
        """Refuse a day whose counts cannot be (clicks above impressions); checked where figures come in, so a
        row stored before the rule still reads."""
        check_possible({name: getattr(self, name) for name in COUNTS})

    @property
    def recorded(self) -> frozenset[str]:
        return frozenset(name for name in FIGURES if getattr(self, name) is not None)

    def merged(self, figures: dict[str, Decimal | int]) -> DailyMetric:
        """This day with some figures replaced (the `metrics` command may give any subset)."""
        return replace(self, **figures)  # type: ignore[arg-type]


@dataclass(slots=True)
class MetricInput:
    """One row of a bulk load, its form checked: `index` is its place in the batch (API) or its line (CSV). Not
    frozen: a batch makes tens of thousands, and a frozen dataclass takes twice as long to make (it holds a dict of
    figures, so it never had a hash)."""

    index: int
    campaign: int
    day: date
    channel: str
    figures: dict[str, Decimal | int]
    variant: str = ""  # an A/B test's variant (issue 13)


@dataclass(frozen=True, slots=True)
class RowError:
    """Why a row of a bulk load was refused, naming the field a person should fix."""

    index: int
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Ingested:
    stored: int
    errors: tuple[RowError, ...] = ()


def _div(num: Decimal, den: Decimal) -> Decimal | None:
    return None if den == 0 else num / den


@dataclass(frozen=True, slots=True)
class Kpis:
    """`spend` is media spend (the daily metrics); `fees` the other spend of the ledger (agency, venue, printing),
    known only for a whole campaign. `roi` is judged all-in, on both; `roi_media` on media alone."""

    spend: Decimal = Decimal("0")
    impressions: int = 0
    clicks: int = 0
    conversions: int = 0
    revenue: Decimal = Decimal("0")
    fees: Decimal = Decimal("0")
    # the figures recorded on at least one day; a ratio needing another is n/a
    recorded: frozenset[str] = field(default=frozenset(FIGURES), compare=False)

    def with_fees(self, fees: Decimal) -> Kpis:
        return replace(self, fees=fees)

    @property
    def all_in(self) -> Decimal:
        return self.spend + self.fees

    def has(self, *names: str) -> bool:
        return all(name in self.recorded for name in names)

    def _ratio(self, num: str, den: str, top: Decimal, bottom: Decimal) -> Decimal | None:
        return _div(top, bottom) if self.has(num, den) else None

    @property
    def ctr(self) -> Decimal | None:
        return self._ratio("clicks", "impressions", Decimal(self.clicks), Decimal(self.impressions))

    @property
    def cvr(self) -> Decimal | None:
        return self._ratio("conversions", "clicks", Decimal(self.conversions), Decimal(self.clicks))

    @property
    def cpc(self) -> Decimal | None:
        return self._ratio("spend", "clicks", self.spend, Decimal(self.clicks))

    @property
    def cpa(self) -> Decimal | None:
        return self._ratio("spend", "conversions", self.spend, Decimal(self.conversions))

    @property
    def roi(self) -> Decimal | None:
        return self._ratio("revenue", "spend", self.revenue, self.all_in)

    @property
    def roi_media(self) -> Decimal | None:
        return self._ratio("revenue", "spend", self.revenue, self.spend)

    def value(self, metric: str) -> Decimal | None:
        result: Decimal | None = getattr(self, metric)
        return result


def totals(rows: Iterable[DailyMetric]) -> Kpis:
    spend, revenue = Decimal("0"), Decimal("0")
    impressions = clicks = conversions = 0
    seen = [False] * len(FIGURES)  # in FIGURES' order; a report sums thousands of rows, so no set per row
    for row in rows:
        if row.spend is not None:
            spend += row.spend
            seen[0] = True
        if row.impressions is not None:
            impressions += row.impressions
            seen[1] = True
        if row.clicks is not None:
            clicks += row.clicks
            seen[2] = True
        if row.conversions is not None:
            conversions += row.conversions
            seen[3] = True
        if row.revenue is not None:
            revenue += row.revenue
            seen[4] = True
    recorded = frozenset(name for name, found in zip(FIGURES, seen, strict=True) if found)
    return Kpis(spend, impressions, clicks, conversions, revenue, recorded=recorded)


def by_day(rows: Iterable[DailyMetric]) -> dict[date, Kpis]:
    grouped: dict[date, list[DailyMetric]] = {}
    for row in rows:
        grouped.setdefault(row.day, []).append(row)
    return {day: totals(items) for day, items in sorted(grouped.items())}


def by_channel(rows: Iterable[DailyMetric]) -> dict[str, Kpis]:
    grouped: dict[str, list[DailyMetric]] = {}
    for row in rows:
        grouped.setdefault(row.channel, []).append(row)
    return {channel: totals(items) for channel, items in sorted(grouped.items())}


# Higher is better for these; lower is better for the cost metrics.
HIGHER_IS_BETTER = {"roi": True, "ctr": True, "cvr": True, "cpc": False, "cpa": False}


def meets(metric: str, actual: Decimal | None, target: Decimal) -> bool | None:
    if actual is None:
        return None
    return actual >= target if HIGHER_IS_BETTER[metric] else actual <= target


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
