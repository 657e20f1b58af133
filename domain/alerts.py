"""Alert state kept for metrics: each day's anomaly evaluation (acknowledged or not), snoozes,
and the budget levels a campaign's spend has crossed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain import refs
from domain.anomaly import Move
from domain.stored import Stored


class Outcome(StrEnum):
    QUIET = "quiet"  # nothing moved, or too little history to tell
    ALERTED = "alerted"
    SNOOZED = "snoozed"  # something moved while the campaign's alerts were snoozed
    CLOSED = "closed"  # something moved on a campaign that is completed or cancelled


_REF = re.compile(r"^(?:anomaly:)?([Cc])-?(\d{1,12}):(\d{4}-\d{2}-\d{2})$")


def alert_ref(campaign_id: int, day: date) -> str:
    """`anomaly:C-1:2026-12-05`: the alert's natural key, and what Acknowledge and Snooze name."""
    return f"anomaly:{refs.campaign(campaign_id)}:{day.isoformat()}"


def parse_alert_ref(text: str) -> tuple[int, date] | None:
    found = _REF.match(text.strip())
    if not found:
        return None
    try:
        return int(found.group(2)), date.fromisoformat(found.group(3))
    except ValueError:
        return None


@dataclass(slots=True)
class Evaluation(Stored):
    """How one campaign-day was judged. The alert card is kept so its copies can be updated later."""

    workspace_id: int
    campaign_id: int
    day: date
    evaluated_at: datetime
    outcome: Outcome
    moves: tuple[Move, ...] = ()
    card: dict[str, Any] | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    id: int | None = None

    @property
    def ref(self) -> str:
        return alert_ref(self.campaign_id, self.day)


@dataclass(frozen=True, slots=True)
class Snooze:
    workspace_id: int
    campaign_id: int
    until: datetime
    by: str
    at: datetime = field(compare=False)


def crossed(used: Decimal | None, levels: Sequence[int]) -> int | None:
    """The highest threshold (in % of the approved budget) that spend has reached, if any."""
    if used is None:
        return None
    reached = [level for level in levels if used * 100 >= level]
    return max(reached) if reached else None
