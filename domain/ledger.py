"""The budget ledger of a campaign (planned, requested, approved, spent, remaining) and spend pacing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from domain.errors import InvalidInput
from domain.money import Money
from domain.stored import Stored


@dataclass(slots=True)
class SpendEntry(Stored):
    workspace_id: int
    campaign_id: int
    amount: Money
    note: str
    recorded_by: str
    recorded_at: datetime
    id: int | None = None

    def __post_init__(self) -> None:
        if self.amount.amount == 0:
            raise InvalidInput("amount", "amount_not_positive", value=self.amount.format())
        if self.amount.amount < 0 and not self.note.strip():  # a correction says why
            raise InvalidInput("reason", "correction_needs_reason")

    @property
    def is_correction(self) -> bool:
        return self.amount.amount < 0


class Pace(StrEnum):
    UNDER = "under"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"
    OVER = "over"
    NOT_STARTED = "not_started"


@dataclass(frozen=True, slots=True)
class Pacing:
    ratio: Decimal | None  # spend / (approved x elapsed share)
    elapsed: Decimal  # share of the campaign's days elapsed, 0..1
    band: Pace


def pace_band(ratio: Decimal) -> Pace:
    if ratio < Decimal("0.70"):
        return Pace.UNDER
    if ratio < Decimal("0.90"):
        return Pace.AT_RISK
    if ratio <= Decimal("1.10"):
        return Pace.ON_TRACK
    return Pace.OVER


def elapsed_share(first: date, last: date, today: date) -> Decimal:
    """Share of the campaign's days elapsed, counting today as elapsed."""
    total = (last - first).days + 1
    done = min(max((today - first).days + 1, 0), total)
    return Decimal(done) / Decimal(total)


@dataclass(frozen=True, slots=True)
class Ledger:
    planned: Money | None
    requested: Money  # pending requests
    approved: Money
    spent_entries: Money  # `budget spend`: venue, printing, fees
    spent_media: Money  # spend from daily metrics
    # the sum, made once when first asked (a mismatched currency still raises only then): a portfolio asks it about
    # three times for each of a thousand campaigns
    _spent: Money | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def spent(self) -> Money:
        spent = self._spent
        if spent is None:
            spent = self.spent_entries + self.spent_media
            object.__setattr__(self, "_spent", spent)
        return spent

    @property
    def remaining(self) -> Money:
        return self.approved - self.spent

    @property
    def used_share(self) -> Decimal | None:
        if self.approved.amount <= 0:
            return None
        return self.spent.amount / self.approved.amount

    def pacing(self, days: tuple[date, date] | None, today: date) -> Pacing | None:
        if days is None or self.approved.amount <= 0:
            return None
        share = elapsed_share(days[0], days[1], today)
        if share == 0:
            return Pacing(None, share, Pace.NOT_STARTED)
        ratio = self.spent.amount / (self.approved.amount * share)
        return Pacing(ratio, share, pace_band(ratio))
