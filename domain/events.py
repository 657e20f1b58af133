"""Domain events: what happened, in the past tense. A handler records them as it changes things; the bus hands
each one to its reactions (bot/reactions) in the same transaction, so whatever they write commits with the change.

Events carry the entities as they stand after the change: reactions read them, never change them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.abtest import Experiment
from domain.alerts import Evaluation
from domain.approval import ApprovalRequest, Decision
from domain.campaign import Campaign
from domain.goals import Goal, Progress
from domain.ledger import Ledger, SpendEntry
from domain.money import Money
from domain.people import Away, Member, Workspace
from domain.task import Task, TaskMove


class Event:
    """Base of every event."""


# --- approvals ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ApprovalRequested(Event):
    request: ApprovalRequest
    campaign: Campaign


@dataclass(frozen=True)
class ApprovalDecided(Event):
    """A step approved or the request rejected; `request.status` tells whether a next step now waits."""

    request: ApprovalRequest
    campaign: Campaign
    decision: Decision


@dataclass(frozen=True)
class ApprovalWithdrawn(Event):
    request: ApprovalRequest
    campaign: Campaign


@dataclass(frozen=True)
class ApprovalOverdue(Event):
    """The current step has waited `periods` whole SLA periods (found by the approval scan)."""

    request: ApprovalRequest
    campaign: Campaign
    waited: timedelta
    periods: int


# --- the approval desk ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ApprovalRevised(Event):
    """A returned request resubmitted: its steps start again from step 1 (`before` is the amount it had)."""

    request: ApprovalRequest
    campaign: Campaign
    before: Money


@dataclass(frozen=True)
class StepDelegated(Event):
    """The step that waits was handed to `to` by `by`."""

    request: ApprovalRequest
    campaign: Campaign
    by: str
    to: str


@dataclass(frozen=True)
class ApprovalCopied(Event):
    """These people were copied in: each gets a read-only copy of the card that changes with every decision."""

    request: ApprovalRequest
    campaign: Campaign
    people: tuple[str, ...]
    by: str


@dataclass(frozen=True)
class ApprovalUrged(Event):
    request: ApprovalRequest
    campaign: Campaign
    by: str


@dataclass(frozen=True)
class AwayDelegated(Event):
    """`member` is away until `away.until`; `away.delegate` covers their approvals meanwhile."""

    workspace: Workspace
    member: Member
    away: Away


@dataclass(frozen=True)
class AwayEnded(Event):
    """`member` is back (or no longer covered by `away.delegate`)."""

    workspace: Workspace
    member: Member
    away: Away


# --- campaigns and tasks ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CampaignMoved(Event):
    campaign: Campaign
    shift: timedelta
    by: str
    moved: tuple[tuple[Task, datetime | None], ...] = ()  # each re-dated task, with its due time before


@dataclass(frozen=True)
class CampaignClosed(Event):
    """Cancelled or completed: its deadline alerts no longer hold; its open requests were withdrawn with it."""

    campaign: Campaign
    by: str


@dataclass(frozen=True)
class TaskDeleted(Event):
    """Gone from the campaign (kept in the audit trail): its alerts no longer hold."""

    task: Task
    campaign: Campaign
    by: str


@dataclass(frozen=True)
class TaskRedated(Event):
    """A task's due time changed by hand (`task due`, `task edit`): alerts about the old one no longer hold."""

    task: Task
    campaign: Campaign
    before: datetime | None
    by: str


@dataclass(frozen=True)
class TaskAssigned(Event):
    """A task got an assignee (when added with one, or assigned later)."""

    task: Task
    campaign: Campaign
    by: str


@dataclass(frozen=True)
class TaskMoved(Event):
    task: Task
    campaign: Campaign
    move: TaskMove
    by: str


@dataclass(frozen=True)
class TaskDueSoon(Event):
    """Due within the warning window on the assignee's own clock (found by the deadline scan)."""

    task: Task
    campaign: Campaign


@dataclass(frozen=True)
class TaskOverdue(Event):
    task: Task
    campaign: Campaign


@dataclass(frozen=True)
class TaskEscalated(Event):
    """Still open long after its due time: the owner and the managers should hear."""

    task: Task
    campaign: Campaign


# --- spend, metrics and what they set off ------------------------------------------------------------------
@dataclass(frozen=True)
class SpendRecorded(Event):
    campaign: Campaign
    entry: SpendEntry


@dataclass(frozen=True)
class MetricsRecorded(Event):
    """Daily metrics stored for these days, by chat, the REST API or a CSV import."""

    campaign: Campaign
    days: frozenset[date]


@dataclass(frozen=True)
class BudgetThresholdReached(Event):
    """Spend stands at or above `level` % of the approved budget (each level is told once per approved amount)."""

    campaign: Campaign
    level: int
    ledger: Ledger


@dataclass(frozen=True)
class AnomalyFound(Event):
    """A campaign-day judged unusual, with its alert card kept on the evaluation."""

    campaign: Campaign
    evaluation: Evaluation


@dataclass(frozen=True)
class AnomalyAcknowledged(Event):
    campaign: Campaign
    evaluation: Evaluation
    by: str
    at: datetime


@dataclass(frozen=True)
class AnomalyAlertsSnoozed(Event):
    """A campaign's anomaly alerts held until `until`; `evaluation` is the alert the Snooze was pressed on."""

    campaign: Campaign
    until: datetime
    by: str
    evaluation: Evaluation | None = None


# --- the digest ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DigestDue(Event):
    """The workspace's local day has reached the digest hour."""

    workspace: Workspace
    day: date


# --- goals, A/B tests and retrospectives (issue 13) --------------------------------------------------------------
@dataclass(frozen=True)
class TestDecided(Event):
    """The test's rule decided (its planned sample reached, or its sequential boundary crossed): announce it once."""

    campaign: Campaign
    test: Experiment

    __test__ = False


@dataclass(frozen=True)
class CampaignCompleted(Event):
    """A campaign was completed: its retrospective is drafted and posted to its home channel."""

    campaign: Campaign
    by: str


@dataclass(frozen=True)
class GoalOffTrack(Event):
    """The weekly look found the goal's forecast missing its target by more than 10 %: its owner hears, once a
    week (`week` is the ISO week, 2026-W49)."""

    goal: Goal
    progress: Progress
    workspace: Workspace
    week: str
