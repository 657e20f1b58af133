"""Campaigns: their lifecycle, dates and KPI targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from domain import refs
from domain.errors import BudgetNotApproved, InvalidInput, InvalidTransition
from domain.money import Money
from domain.stored import Stored


class Status(StrEnum):
    PLANNING = "planning"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Action(StrEnum):
    START = "start"
    PAUSE = "pause"
    COMPLETE = "complete"
    CANCEL = "cancel"
    REOPEN = "reopen"


TRANSITIONS: dict[Action, dict[Status, Status]] = {
    Action.START: {Status.PLANNING: Status.ACTIVE, Status.PAUSED: Status.ACTIVE},
    Action.PAUSE: {Status.ACTIVE: Status.PAUSED},
    Action.COMPLETE: {Status.ACTIVE: Status.COMPLETED},
    Action.CANCEL: {Status.PLANNING: Status.CANCELLED, Status.ACTIVE: Status.CANCELLED,
                    Status.PAUSED: Status.CANCELLED},
    Action.REOPEN: {Status.COMPLETED: Status.ACTIVE, Status.CANCELLED: Status.ACTIVE},
}
CLOSING = frozenset({Action.COMPLETE, Action.CANCEL})  # asked about first when work is still open
OPEN = frozenset({Status.PLANNING, Status.ACTIVE, Status.PAUSED})
KPI_METRICS = ("roi", "ctr", "cvr", "cpc", "cpa")


def allowed_actions(status: Status) -> tuple[str, ...]:
    return tuple(action.value for action, moves in TRANSITIONS.items() if status in moves)


@dataclass(slots=True)
class Campaign(Stored):
    workspace_id: int
    name: str
    owner: str
    home_channel: str
    created_by: str
    created_at: datetime
    currency: str
    status: Status = Status.PLANNING
    budget: Money | None = None
    start: date | None = None
    end: date | None = None
    launch: date | None = None
    template: str | None = None
    kpis: dict[str, Decimal] = field(default_factory=dict)
    id: int | None = None
    version: int = 0

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("name", "empty_name")
        if len(self.name) > 200:
            raise InvalidInput("name", "too_long", limit=200)
        if self.start and self.end and self.end < self.start:
            raise InvalidInput("end", "end_before_start", start=str(self.start), end=str(self.end))
        for metric in self.kpis:
            if metric not in KPI_METRICS:
                raise InvalidInput(f"kpi.{metric}", "bad_kpi", allowed=KPI_METRICS)

    @property
    def ref(self) -> str:
        return refs.campaign(self.id or 0)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def check(self, action: Action, approved: Money) -> None:
        """Raises unless `action` may happen now."""
        if self.status not in TRANSITIONS[action]:
            raise InvalidTransition(self.ref, self.status.value, action.value, allowed_actions(self.status))
        if action is Action.START and self.budget and self.budget.amount > 0 and approved.amount <= 0:
            raise BudgetNotApproved(self.ref)

    def transition(self, action: Action, approved: Money) -> Status:
        self.check(action, approved)
        self.status = TRANSITIONS[action][self.status]
        return self.status

    def anchor(self) -> date | None:
        """The date template tasks are dated from: the launch, else the start."""
        return self.launch or self.start

    def move_to(self, launch: date) -> timedelta:
        """Re-date the campaign so its anchor falls on `launch`; returns the shift for its tasks."""
        anchor = self.anchor()
        if anchor is None:
            raise InvalidInput("launch", "no_anchor", ref=self.ref)
        return self.shift_by((launch - anchor).days)

    def dated_by(self, key: str) -> date:
        """The campaign's current `launch` or `start` date, which a move by that key shifts from."""
        found = self.launch if key == "launch" else self.start
        if found is None:
            other = "start" if key == "launch" else "launch"
            if self.anchor() is None:
                raise InvalidInput(key, "no_anchor", ref=self.ref)
            raise InvalidInput(key, "move_other_anchor", ref=self.ref, key=key, other=other)
        return found

    def shift_by(self, days: int) -> timedelta:
        """Every date of the campaign `days` later (earlier when negative); returns the shift for its tasks."""
        if not self.is_open:
            raise InvalidTransition(self.ref, self.status.value, "move", allowed_actions(self.status))
        if self.anchor() is None:
            raise InvalidInput("launch", "no_anchor", ref=self.ref)
        shift = timedelta(days=days)
        self.launch = self.launch + shift if self.launch else None
        self.start = self.start + shift if self.start else None
        self.end = self.end + shift if self.end else None
        return shift

    def pacing_days(self) -> tuple[date, date] | None:
        """The days spend is paced over: from the start, else the day it was created, to the end, else the launch;
        so a launch-dated campaign paces from its creation to its launch."""
        if self.start is not None:
            return self.days()
        last = self.end or self.launch
        if last is None:
            return None
        return min(self.created_at.date(), last), last

    def days(self) -> tuple[date, date] | None:
        """First and last day of the campaign, for pacing and timelines."""
        first = self.start or self.launch
        last = self.end or self.launch
        if first is None or last is None:
            return None
        return (first, last) if first <= last else (last, first)
