"""Commands: what a user asked for, parsed and typed. Imperative names; no platform details."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

from domain.attachments import Attachment
from domain.campaign import Action
from domain.metrics import Ingested, MetricInput
from domain.money import Money
from domain.people import Away, QuietHours, Role
from domain.refs import Kind
from domain.task import TaskMove


class Command:
    """Base of every command; `writes` tells the bus whether it may change data."""

    writes = True


R = TypeVar("R")


class ServiceCommand(Command, Generic[R]):
    """A command run for a principal that is not a chat member (`bus.handle_as`): the operator, a workspace's API
    token, the CSV import. Its handler answers with an R instead of a card."""


@dataclass(frozen=True)
class Help(Command):
    topic: str | None = None
    writes = False


@dataclass(frozen=True)
class NewCampaign(Command):
    name: str
    budget: Money | None = None
    start: date | None = None
    end: date | None = None
    launch: date | None = None
    template: str | None = None
    owner: str | None = None
    kpis: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class ListCampaigns(Command):
    scope: str = "active"  # mine | active | all
    writes = False


@dataclass(frozen=True)
class Show(Command):
    kind: Kind
    number: int
    writes = False


@dataclass(frozen=True)
class ChangeStatus(Command):
    campaign: int
    action: Action
    confirmed: bool = False  # complete / cancel with open work: asked first, done once confirmed


@dataclass(frozen=True)
class MoveCampaign(Command):
    """Re-date by `key` (launch or start) to the date `launch`, or by `days` from the current date (`by=` and the
    relative forms `launch=+7d`: from the campaign's own date, not from today)."""

    campaign: int
    launch: date | None = None
    days: int | None = None
    key: str = "launch"  # launch | start | by


@dataclass(frozen=True)
class AddTask(Command):
    campaign: int
    title: str
    assignee: str | None = None
    due: datetime | None = None


@dataclass(frozen=True)
class AssignTask(Command):
    task: int
    assignee: str


@dataclass(frozen=True)
class MoveTask(Command):
    task: int
    move: TaskMove  # start, done or reopen (a block has its reason: BlockTask)


@dataclass(frozen=True)
class BlockTask(Command):
    task: int
    reason: str


@dataclass(frozen=True)
class SetTaskDue(Command):
    task: int
    due: datetime


@dataclass(frozen=True)
class ListTasks(Command):
    scope: str = "mine"  # mine | overdue | campaign
    campaign: int | None = None
    writes = False


@dataclass(frozen=True)
class Board(Command):
    campaign: int
    writes = False


@dataclass(frozen=True)
class Timeline(Command):
    campaign: int
    writes = False


@dataclass(frozen=True)
class RequestBudget(Command):
    campaign: int
    amount: Money
    reason: str
    attachments: tuple[Attachment, ...] = ()  # typed (attach=) links; files shared with the command join them


@dataclass(frozen=True)
class RecordSpend(Command):
    campaign: int
    amount: Money
    note: str = ""


@dataclass(frozen=True)
class ShowBudget(Command):
    campaign: int
    writes = False


@dataclass(frozen=True)
class ListApprovals(Command):
    scope: str = "mine"  # mine | pending | all
    writes = False


@dataclass(frozen=True)
class Approve(Command):
    request: int
    comment: str = ""
    add: str | None = None  # a signer for one more step right after this one
    stage: tuple[int, int, int] | None = None  # (round, step, hand-overs) a button's card showed; typed: what waits


@dataclass(frozen=True)
class Reject(Command):
    request: int
    reason: str
    stage: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class Withdraw(Command):
    request: int


@dataclass(frozen=True)
class RecordMetrics(Command):
    campaign: int
    figures: dict[str, Decimal | int]
    day: date | None = None
    channel: str = ""
    variant: str = ""  # an A/B test's variant (issue 13): the figures are that variant's


@dataclass(frozen=True)
class IngestMetrics(ServiceCommand[Ingested]):
    """Daily metrics in bulk (the REST API, `mems import-metrics`), each row's form already checked."""

    rows: tuple[MetricInput, ...]
    source: str  # for the audit trail: api:<token name>, import:<file name>
    partial: bool = False  # store the good rows even when some are refused (an import); else all or nothing
    check_only: bool = False  # find every problem, store nothing


@dataclass(frozen=True)
class Report(Command):
    campaign: int
    writes = False


@dataclass(frozen=True)
class ListTemplates(Command):
    writes = False


@dataclass(frozen=True)
class Subscribe(Command):
    campaign: int | None  # None: all campaigns
    kinds: frozenset[str]


@dataclass(frozen=True)
class Unsubscribe(Command):
    campaign: int | None


@dataclass(frozen=True)
class ChangeRole(Command):
    grant: bool
    user: str
    role: Role


@dataclass(frozen=True)
class ListRoles(Command):
    writes = False


@dataclass(frozen=True)
class UpdateSettings(Command):
    timezone: str | None = None
    lang: str | None = None
    quiet: QuietHours | None = None
    quiet_off: bool = False
    away: Away | None = None  # out of office: who covers my approvals, until when
    away_off: bool = False


# The approval desk: what an approver, a requester or a colleague does with a request besides deciding it.
@dataclass(frozen=True)
class ReturnRequest(Command):
    request: int
    reason: str
    stage: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class ReviseRequest(Command):
    request: int
    amount: Money | None = None
    reason: str | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class DelegateStep(Command):
    request: int
    to: str
    stage: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class CopyRequest(Command):
    request: int
    people: tuple[str, ...]


@dataclass(frozen=True)
class UrgeRequest(Command):
    request: int


# System commands: sent by the scheduler (or `mems tick`), run without a user, each one unit of work.


@dataclass(frozen=True)
class SystemCommand(Command):
    """A scan as of one moment; `at` is aware (UTC or any zone)."""

    at: datetime


@dataclass(frozen=True)
class ScanDeadlines(SystemCommand):
    """deadline.soon, deadline.overdue and deadline.escalate for open tasks near or past their due time."""


@dataclass(frozen=True)
class ScanApprovals(SystemCommand):
    """approval.reminder for requests whose current step has waited past the SLA."""


@dataclass(frozen=True)
class SendDigests(SystemCommand):
    """The daily digest to subscribed channels, once per workspace-local day, at or after the digest hour."""


# Anomaly alerts and API tokens.
@dataclass(frozen=True)
class Acknowledge(Command):
    campaign: int
    day: date


@dataclass(frozen=True)
class SnoozeAlerts(Command):
    campaign: int
    hours: int = 24
    day: date | None = None  # the alert the Snooze button was on, whose copies then say so


@dataclass(frozen=True)
class ScanAnomalies(SystemCommand):
    """Judge every recent campaign-day with metrics and no evaluation yet (any workspace)."""


@dataclass(frozen=True)
class ScanBudgets(SystemCommand):
    """budget.threshold for every open campaign whose spend crossed a level (any workspace)."""


@dataclass(frozen=True)
class CreateToken(Command):
    name: str = "api"


@dataclass(frozen=True)
class RevokeToken(Command):
    name: str


@dataclass(frozen=True)
class ListTokens(Command):
    writes = False


# --- the portfolio and the web dashboard ----------------------------------------------------------------------
@dataclass(frozen=True)
class Overview(Command):
    scope: str = "active"  # mine | active | all
    writes = False


@dataclass(frozen=True)
class OpenDashboard(Command):
    """A one-use sign-in link to the web dashboard, for the person who asks."""


# --- goals, A/B tests and retrospectives (issue 13) ----------------------------------------------------------
@dataclass(frozen=True)
class SetGoal(Command):
    name: str
    metric: str
    target: Decimal
    period: str
    channel: str = ""
    parent: int | None = None


@dataclass(frozen=True)
class LinkGoal(Command):
    goal: int
    campaign: int


@dataclass(frozen=True)
class ShowGoal(Command):
    goal: int
    writes = False


@dataclass(frozen=True)
class ListGoals(Command):
    writes = False


@dataclass(frozen=True)
class ScanGoals(SystemCommand):
    """The weekly look at every goal: `goal.off_track` to the owner of each whose forecast misses by over 10 %."""


@dataclass(frozen=True)
class NewTest(Command):
    campaign: int
    name: str
    variants: tuple[str, ...]
    metric: str
    min_sample: int | None = None


@dataclass(frozen=True)
class ShowTest(Command):
    test: int
    writes = False


@dataclass(frozen=True)
class StopTest(Command):
    test: int
    winner: str


@dataclass(frozen=True)
class ShowRetro(Command):
    campaign: int
    export: bool = False
    writes = False


@dataclass(frozen=True)
class AddRetroNote(Command):
    campaign: int
    text: str


# --- installations (Slack OAuth, Feishu store apps) -------------------------------------------------------------
@dataclass(frozen=True)
class RecordInstall(Command):
    """Someone installed MEMS in their workspace: the first to do so is its admin."""

    workspace_name: str = ""


# --- editing and undo ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EditCampaign(Command):
    """Only what is given changes; a KPI target of None removes it."""

    campaign: int
    name: str | None = None
    budget: Money | None = None
    owner: str | None = None
    start: date | None = None
    end: date | None = None
    kpis: dict[str, Decimal | None] = field(default_factory=dict)


@dataclass(frozen=True)
class EditTask(Command):
    task: int
    title: str | None = None
    due: datetime | None = None
    assignee: str | None = None


@dataclass(frozen=True)
class DeleteTask(Command):
    task: int


@dataclass(frozen=True)
class Undo(Command):
    """The actor's own last change, if recent and nothing has depended on it since."""
