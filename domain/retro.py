"""The retrospective (复盘) of a campaign: what slipped, how the channels ranked, and the budget shift they suggest;
the team's notes. The figures come from the campaign's own records; the wording is the bot's (bot/presenters/retro)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.errors import InvalidInput
from domain.metrics import Kpis
from domain.stored import Stored
from domain.task import Task

SHIFT = Decimal("0.20")  # the share of the worst channel's spend the suggestion moves


@dataclass(slots=True)
class RetroNote(Stored):
    workspace_id: int
    campaign_id: int
    author: str
    at: datetime
    text: str
    id: int | None = None

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise InvalidInput("note", "empty_note")
        if len(self.text) > 2000:
            raise InvalidInput("note", "too_long", limit=2000)


@dataclass(frozen=True, slots=True)
class Slip:
    task: Task
    days: int  # how many days late it was done, or is overdue now
    open: bool  # still not done


def slipped(tasks: Sequence[Task], now: datetime) -> list[Slip]:
    """Tasks done after their due time, and open tasks past it; the latest first."""
    found = []
    for t in tasks:
        if t.due is None:
            continue
        end = t.done_at if t.done_at is not None and not t.is_open else (now if t.is_open else None)
        if end is not None and end > t.due:
            found.append(Slip(t, math.ceil((end - t.due).total_seconds() / 86400), t.is_open))
    return sorted(found, key=lambda s: (-s.days, s.task.pk))


@dataclass(frozen=True, slots=True)
class Shift:
    """Moving SHIFT of `source`'s spend to `target`, assuming `target` keeps its own CPA (or ROI) on the extra spend
    (no diminishing returns): what the campaign's CPA (or ROI) would have been."""

    metric: str  # cpa | roi
    source: str
    target: str
    amount: Decimal
    before: Decimal
    after: Decimal

    @property
    def change(self) -> Decimal:
        """Relative change of the campaign's metric: negative cuts CPA, positive raises ROI."""
        return (self.after - self.before) / self.before


def ranked(channels: dict[str, Kpis], metric: str) -> list[tuple[str, Kpis]]:
    """Channels with spend, best first (lowest CPA, highest ROI); those where the metric is n/a last."""
    with_spend = [(name, k) for name, k in channels.items() if k.spend > 0]
    known = [(n, k) for n, k in with_spend if k.value(metric) is not None]
    unknown = [(n, k) for n, k in with_spend if k.value(metric) is None]
    known.sort(key=lambda item: item[1].value(metric) or Decimal(0), reverse=metric == "roi")
    return known + unknown


def suggest(channels: dict[str, Kpis], metric: str) -> Shift | None:
    """From the worst channel to the best, SHIFT of the worst one's spend; None with fewer than two channels that
    have the metric, or when the best and the worst are the same."""
    order = [(n, k) for n, k in ranked(channels, metric) if k.value(metric) is not None]
    if len(order) < 2:
        return None
    (best, b), (worst, w) = order[0], order[-1]
    if b.value(metric) == w.value(metric):
        return None
    moved = w.spend * SHIFT
    spend = sum((k.spend for k in channels.values()), Decimal(0))
    if metric == "cpa":
        conversions = Decimal(sum(k.conversions for k in channels.values()))
        gained = moved / (b.cpa or Decimal(1)) - moved / (w.cpa or Decimal(1))
        if conversions == 0:
            return None
        return Shift(metric, worst, best, moved, spend / conversions, spend / (conversions + gained))
    revenue = sum((k.revenue for k in channels.values()), Decimal(0))
    gained = moved * (b.roi or Decimal(0)) - moved * (w.roi or Decimal(0))
    return Shift(metric, worst, best, moved, revenue / spend, (revenue + gained) / spend)
