"""The portfolio: each campaign's figures gathered in one read (spend against approved, pacing, ROI against its
target, overdue tasks, pending requests, open anomalies), and how risky that makes it, so the riskiest come first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.campaign import Campaign
from domain.ledger import Ledger, Pace, Pacing
from domain.metrics import meets
from domain.money import Money


class Risk(StrEnum):
    """Why a campaign needs a look; the order here is the order they are told in."""

    OVER_BUDGET = "over_budget"  # spent more than approved
    OVERSPENDING = "overspending"  # pacing above the time elapsed
    OVERDUE = "overdue"
    ANOMALY = "anomaly"
    ROI_MISS = "roi_miss"
    UNDERSPENDING = "underspending"
    WAITING = "waiting"  # budget requests waiting for a decision


WEIGHTS = {Risk.OVER_BUDGET: 8, Risk.OVERSPENDING: 5, Risk.OVERDUE: 4, Risk.ANOMALY: 4, Risk.ROI_MISS: 3,
           Risk.UNDERSPENDING: 2, Risk.WAITING: 1}
HIGH, MEDIUM = 8, 3  # score thresholds of the levels shown


class Level(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class Figures:
    """One campaign's figures as storage aggregates them (one row per campaign, never one query per campaign)."""

    campaign: Campaign
    approved: Decimal
    requested: Decimal
    pending: int  # requests waiting for a decision
    spent_entries: Decimal
    media_spend: Decimal  # from the daily metrics
    revenue: Decimal | None  # None: not recorded on any day
    tasks: int
    open_tasks: int
    overdue: int
    anomalies: int  # alerted, not acknowledged, recent


@dataclass(frozen=True, slots=True)
class Summary:
    figures: Figures
    ledger: Ledger
    pacing: Pacing | None
    roi: Decimal | None
    roi_target: Decimal | None
    roi_met: bool | None
    risks: tuple[Risk, ...]
    score: int

    @property
    def campaign(self) -> Campaign:
        return self.figures.campaign

    @property
    def level(self) -> Level:
        return Level.HIGH if self.score >= HIGH else Level.MEDIUM if self.score >= MEDIUM else Level.LOW


def ledger_from(f: Figures) -> Ledger:
    currency = f.campaign.currency
    return Ledger(planned=f.campaign.budget, requested=Money(f.requested, currency),
                  approved=Money(f.approved, currency), spent_entries=Money(f.spent_entries, currency),
                  spent_media=Money(f.media_spend, currency))


def risks_of(f: Figures, ledger: Ledger, pacing: Pacing | None, roi_met: bool | None) -> tuple[Risk, ...]:
    found = []
    if ledger.approved.amount > 0 and ledger.spent.amount > ledger.approved.amount:
        found.append(Risk.OVER_BUDGET)
    elif pacing is not None and pacing.band is Pace.OVER:
        found.append(Risk.OVERSPENDING)
    if f.overdue:
        found.append(Risk.OVERDUE)
    if f.anomalies:
        found.append(Risk.ANOMALY)
    if roi_met is False:
        found.append(Risk.ROI_MISS)
    if pacing is not None and pacing.band is Pace.UNDER:
        found.append(Risk.UNDERSPENDING)
    if f.pending:
        found.append(Risk.WAITING)
    return tuple(found)


def _beyond_one(count: int) -> int:
    """Overdue tasks and anomalies weigh a little more the more there are: one point each for the second and third."""
    return max(min(count, 3) - 1, 0)


def summarize(f: Figures, today: date) -> Summary:
    ledger = ledger_from(f)
    pacing = ledger.pacing(f.campaign.pacing_days(), today) if f.campaign.is_open else None
    target = f.campaign.kpis.get("roi")
    # all-in: fees count with the media spend; no revenue recorded is n/a, not a miss
    roi = f.revenue / ledger.spent.amount if f.media_spend and f.revenue is not None else None
    met = meets("roi", roi, target) if target is not None else None
    risks = risks_of(f, ledger, pacing, met)
    score = sum(WEIGHTS[r] for r in risks) + _beyond_one(f.overdue) + _beyond_one(f.anomalies)
    return Summary(f, ledger, pacing, roi, target, met, risks, score)


def riskiest_first(figures: Iterable[Figures], today: date) -> list[Summary]:
    """Highest score first; between equals, more overdue tasks, then the earlier campaign."""
    summaries = [summarize(f, today) for f in figures]
    return sorted(summaries, key=lambda s: (-s.score, -s.figures.overdue, s.campaign.pk))
