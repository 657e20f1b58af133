"""A/B tests `X-<n>`: a campaign's 2-4 variants (the first is the control), a primary metric and a planned sample.

What a variant's sample is depends on the metric: impressions for CTR, clicks for CVR, days with metrics for ROI
and CPA (a day's ratio is one observation). The statistics themselves (intervals, chance to be best, the
sequential rule) are bot.stats's, on scipy and statsmodels; this module holds the test, its figures and the rule
for when a result may be announced:
- at the planned sample (every variant reached `min_sample`), whatever the result; or
- before it, only when the sequential rule's boundary is crossed (a mixture SPRT, whose p-values stay valid however
  often one looks), never because one daily look happened to cross 95 %."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain import refs
from domain.errors import InvalidInput, InvalidTransition
from domain.metrics import DailyMetric, Kpis, totals
from domain.stored import Stored

TEST_METRICS = ("ctr", "cvr", "roi", "cpa")
RATES = frozenset({"ctr", "cvr"})  # successes out of trials
DEFAULT_SAMPLE = {"ctr": 10_000, "cvr": 1_000, "roi": 14, "cpa": 14}
LOWER_IS_BETTER = frozenset({"cpa"})
_NAME = re.compile(r"^[\w\-.]{1,32}$")


class TestStatus(StrEnum):
    RUNNING = "running"
    DECIDED = "decided"  # the rule decided; metrics may still come in
    STOPPED = "stopped"  # someone stopped it and named the winner

    __test__ = False


@dataclass(slots=True)
class Experiment(Stored):
    workspace_id: int
    campaign_id: int
    name: str
    variants: tuple[str, ...]
    metric: str
    min_sample: int
    created_by: str
    created_at: datetime
    status: TestStatus = TestStatus.RUNNING
    winner: str | None = None
    decided_at: datetime | None = None
    decision: dict[str, str] = field(default_factory=dict)  # why and when it was decided (reason, sample, p)
    id: int | None = None
    version: int = 0

    __test__ = False

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("name", "empty_name")
        if len(self.name) > 200:
            raise InvalidInput("name", "too_long", limit=200)
        if self.metric not in TEST_METRICS:
            raise InvalidInput("metric", "bad_test_metric", value=self.metric, allowed=", ".join(TEST_METRICS))
        if not 2 <= len(self.variants) <= 4 or len(set(v.lower() for v in self.variants)) != len(self.variants):
            raise InvalidInput("variants", "bad_variants", value=",".join(self.variants))
        for name in self.variants:
            if not _NAME.match(name):
                raise InvalidInput("variants", "bad_variants", value=",".join(self.variants))
        if self.min_sample <= 0:
            raise InvalidInput("min_sample", "bad_count", value=str(self.min_sample))

    @property
    def ref(self) -> str:
        return refs.experiment(self.id or 0)

    @property
    def control(self) -> str:
        return self.variants[0]

    @property
    def is_open(self) -> bool:
        return self.status is not TestStatus.STOPPED

    def variant(self, name: str) -> str | None:
        """The variant so named (any case), else None."""
        return next((v for v in self.variants if v.lower() == name.strip().lower()), None)

    def decide(self, winner: str | None, at: datetime, why: dict[str, str]) -> bool:
        """Record the rule's decision once; True the first time."""
        if self.status is not TestStatus.RUNNING:
            return False
        self.status, self.winner, self.decided_at, self.decision = TestStatus.DECIDED, winner, at, why
        return True

    def stop(self, winner: str, at: datetime) -> None:
        if self.status is TestStatus.STOPPED:
            raise InvalidTransition(self.ref, self.status.value, "stop", ())
        chosen = self.variant(winner)
        if chosen is None:
            raise InvalidInput("winner", "unknown_variant", value=winner, variants=", ".join(self.variants))
        self.status, self.winner = TestStatus.STOPPED, chosen
        self.decided_at = self.decided_at or at
        self.decision = {**self.decision, "stopped": "1"}


@dataclass(frozen=True, slots=True)
class VariantMetric:
    """One day of one variant's figures (a channel's, when given)."""

    experiment_id: int
    variant: str
    row: DailyMetric


@dataclass(frozen=True, slots=True)
class Arm:
    """A variant's figures as the statistics read them."""

    name: str
    kpis: Kpis
    daily: tuple[float, ...]  # the metric on each day with metrics (ROI, CPA); empty for rates

    def sample(self, metric: str) -> int:
        if metric == "ctr":
            return self.kpis.impressions
        if metric == "cvr":
            return self.kpis.clicks
        return len(self.daily)

    def successes(self, metric: str) -> int:
        return self.kpis.clicks if metric == "ctr" else self.kpis.conversions


def arms(test: Experiment, rows: Iterable[VariantMetric]) -> list[Arm]:
    by_variant: dict[str, list[DailyMetric]] = {v: [] for v in test.variants}
    for r in rows:
        if r.variant in by_variant:
            by_variant[r.variant].append(r.row)
    out = []
    for name in test.variants:
        days: dict[date, list[DailyMetric]] = {}
        for row in by_variant[name]:
            days.setdefault(row.day, []).append(row)
        daily = []
        for _, items in sorted(days.items()):
            value = totals(items).value(test.metric) if test.metric not in RATES else None
            if value is not None:
                daily.append(float(value))
        out.append(Arm(name, totals(by_variant[name]), tuple(daily)))
    return out


def reached_plan(test: Experiment, figures: Sequence[Arm]) -> bool:
    return all(a.sample(test.metric) >= test.min_sample for a in figures)
