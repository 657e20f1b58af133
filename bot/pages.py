"""What the web dashboard's pages show, read in one unit of work each: the portfolio, a campaign (its tasks for the
Gantt chart and the kanban board, the budget ledger, KPIs by day and by channel, its requests), the requests waiting
for me. Who may do what is decided here, so a page shows only the buttons its reader may use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from bot import portfolio
from domain import authz
from domain.approval import ApprovalRequest, ApprovalStatus
from domain.campaign import Campaign
from domain.ledger import Ledger, Pacing, SpendEntry
from domain.metrics import DailyMetric, Kpis, by_channel, by_day, totals
from domain.money import Money, total
from domain.people import Member, Workspace
from domain.portfolio import Summary
from domain.ports import UnitOfWork
from domain.task import MOVES, Task, TaskMove, TaskStatus

# The kanban's columns, and the move that brings a card into each.
COLUMNS = (TaskStatus.TODO, TaskStatus.DOING, TaskStatus.BLOCKED, TaskStatus.DONE)
INTO = {TaskStatus.TODO: TaskMove.REOPEN, TaskStatus.DOING: TaskMove.START, TaskStatus.BLOCKED: TaskMove.BLOCK,
        TaskStatus.DONE: TaskMove.DONE}


@dataclass(frozen=True)
class Reader:
    """Who reads a page: their workspace, membership (roles), and the moment and day it is read."""

    workspace: Workspace
    member: Member
    now: datetime

    @property
    def user(self) -> str:
        return self.member.user_ref

    @property
    def today(self) -> date:
        return self.now.astimezone(self.member.tz_in(self.workspace)).date()


@dataclass(frozen=True)
class PortfolioPage:
    scope: portfolio.Scope
    summaries: Sequence[Summary]
    names: dict[str, str]


@dataclass(frozen=True)
class TaskItem:
    task: Task
    overdue: bool
    moves: tuple[TaskStatus, ...]  # the columns this reader may move the card into


@dataclass(frozen=True)
class RequestItem:
    request: ApprovalRequest
    may_decide: bool


@dataclass(frozen=True)
class CampaignPage:
    campaign: Campaign
    ledger: Ledger
    pacing: Pacing | None
    tasks: Sequence[TaskItem]
    requests: Sequence[RequestItem]
    spend_entries: Sequence[SpendEntry]
    kpis: Kpis
    days: dict[date, Kpis]
    channels: dict[str, Kpis]
    names: dict[str, str]
    columns: tuple[TaskStatus, ...] = COLUMNS


@dataclass(frozen=True)
class ApprovalsPage:
    items: Sequence[tuple[ApprovalRequest, Campaign]]
    names: dict[str, str] = field(default_factory=dict)


def names(uow: UnitOfWork, workspace_id: int) -> dict[str, str]:
    """Member id → the name people know them by (their display name, else the id)."""
    return {m.user_ref: m.display_name or m.user_ref for m in uow.members.all(workspace_id)}


def portfolio_page(uow: UnitOfWork, reader: Reader, scope: portfolio.Scope) -> PortfolioPage:
    found = portfolio.summaries(uow, reader.workspace.pk, reader.user, scope, reader.now, reader.today)
    return PortfolioPage(scope, found, names(uow, reader.workspace.pk))


def moves_for(reader: Reader, campaign: Campaign, task: Task) -> tuple[TaskStatus, ...]:
    if not campaign.is_open or not any(authz.holds(reader.member, who, campaign, task) for who in authz.WORK_TASK):
        return ()
    return tuple(column for column in COLUMNS if task.status in MOVES[INTO[column]] and column is not task.status)


def _ledger(campaign: Campaign, requests: Sequence[ApprovalRequest], entries: Sequence[SpendEntry],
            metrics: Sequence[DailyMetric]) -> Ledger:
    """As bot.ledgers.ledger_of, from rows the page has already read (the metrics are the largest read)."""
    currency = campaign.currency
    pending = [r.amount for r in requests if r.status is ApprovalStatus.PENDING]
    approved = [r.amount for r in requests if r.status is ApprovalStatus.APPROVED]
    return Ledger(planned=campaign.budget, requested=total(pending, currency), approved=total(approved, currency),
                  spent_entries=total([e.amount for e in entries], currency),
                  spent_media=Money(totals(metrics).spend, currency))


def campaign_page(uow: UnitOfWork, reader: Reader, number: int) -> CampaignPage | None:
    """None for a campaign that does not exist or is another workspace's: the same "not found"."""
    campaign = uow.campaigns.get(number, reader.workspace.pk)
    if campaign is None:
        return None
    tasks = sorted(uow.tasks.for_campaign(campaign.pk), key=lambda t: (t.due is None, t.due, t.pk))
    requests = uow.approvals.for_campaign(campaign.pk)
    entries = uow.ledger.for_campaign(campaign.pk)
    metrics = uow.metrics.for_campaign(campaign.pk)
    ledger = _ledger(campaign, requests, entries, metrics)
    pacing = ledger.pacing(campaign.pacing_days(), reader.today) if campaign.is_open else None
    items = [TaskItem(t, t.is_overdue(reader.now), moves_for(reader, campaign, t)) for t in tasks]
    decide = [RequestItem(r, campaign.is_open and r.may_decide(reader.user, reader.member.roles))
              for r in sorted(requests, key=lambda r: r.pk, reverse=True)]
    kpis = totals(metrics).with_fees(ledger.spent_entries.amount)  # ROI all-in, as the chat report judges it
    return CampaignPage(campaign, ledger, pacing, items, decide, entries, kpis, by_day(metrics),
                        by_channel(metrics), names(uow, reader.workspace.pk))


def approvals_page(uow: UnitOfWork, reader: Reader) -> ApprovalsPage:
    """The pending requests whose current step this reader may decide, oldest first (as `approvals mine`)."""
    pending = [r for r in uow.approvals.list(reader.workspace.pk, ApprovalStatus.PENDING)
               if r.may_decide(reader.user, reader.member.roles)]
    campaigns = {c.pk: c for c in uow.campaigns.many([r.campaign_id for r in pending])}
    items = [(r, campaigns[r.campaign_id]) for r in sorted(pending, key=lambda r: r.created_at)
             if r.campaign_id in campaigns and campaigns[r.campaign_id].is_open]
    return ApprovalsPage(items, names(uow, reader.workspace.pk))
