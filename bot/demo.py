"""A realistic workspace, generated: people with roles, campaigns in every phase with their tasks, budget requests
(some decided, some waiting), spend entries and daily metrics by channel, one of them with a click-through collapse
the anomaly scan will catch. Sized by parameters and seeded, so a benchmark can make a company of thousands the same
way every time; it builds domain objects only, and a bulk loader (bot.ports.BulkLoader) stores them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.approval import ApprovalRequest, ApprovalStatus, Decision, Outcome, Policy, Step
from domain.campaign import Campaign, Status
from domain.ledger import SpendEntry
from domain.metrics import DailyMetric
from domain.money import Money
from domain.people import Member, Role
from domain.task import Task, TaskStatus

NAMES = ("Spring Launch", "双十一大促", "Summer Webinar Series", "KOL 种草计划", "Trade Show Berlin", "618 年中大促",
         "Brand Refresh", "Lead Nurture", "Holiday Gift Guide", "新品发布会", "Back to School", "会员日",
         "Partner Summit", "春节营销", "Black Friday", "Developer Days")
TASKS = ("Brief signed off", "Budget plan", "Creative concepts", "KOL shortlist", "Landing page", "Media plan",
         "Copy review", "Legal review", "Video shoot", "Launch email", "Social calendar", "Paid search set-up",
         "Retargeting audiences", "Press release", "Event logistics", "Sales enablement", "Post-launch report")
# The first four are the demo's; a benchmark's company (bench/org_scale.py) runs up to twenty.
CHANNELS = ("douyin", "wechat", "xiaohongshu", "search", "weibo", "bilibili", "kuaishou", "baidu", "toutiao", "zhihu",
            "display", "email", "sms", "affiliate", "kol", "ooh", "tv", "radio", "podcast", "events")
FIRST_PEOPLE: tuple[tuple[str, str, set[Role]], ...] = (
    ("alice", "Alice", {Role.ADMIN, Role.MANAGER}), ("bob", "Bob", {Role.MANAGER}), ("fay", "Fay", {Role.FINANCE}),
    ("olive", "Olive", set()), ("li.na", "Li Na", set()), ("wang.wei", "王伟", set()), ("chen.jie", "陈杰", set()),
    ("sara", "Sara", set()))
# Phases in the proportions of a real portfolio: most campaigns running, some being planned, a few closed.
PHASES = (Status.ACTIVE, Status.ACTIVE, Status.PLANNING, Status.ACTIVE, Status.COMPLETED, Status.PAUSED,
          Status.ACTIVE, Status.CANCELLED, Status.PLANNING, Status.ACTIVE, Status.COMPLETED, Status.ACTIVE)


@dataclass
class Bundle:
    """A campaign and everything of it; the loader stores the campaign first, then the rest with its id."""

    campaign: Campaign
    tasks: list[Task] = field(default_factory=list)
    requests: list[ApprovalRequest] = field(default_factory=list)
    spend: list[SpendEntry] = field(default_factory=list)
    metrics: list[DailyMetric] = field(default_factory=list)


@dataclass(frozen=True)
class Size:
    campaigns: int = 12
    people: int = 8
    tasks: int = 12  # per campaign
    days: int = 60  # of metrics, up to yesterday
    channels: int = 3


@dataclass
class Plan:
    members: list[Member]
    bundles: list[Bundle]
    anomaly: int | None = None  # index of the bundle whose metrics hold the anomaly


def people(workspace_id: int, count: int, now: datetime) -> list[Member]:
    members = [Member(workspace_id, ref, name, set(roles), joined_at=now)
               for ref, name, roles in FIRST_PEOPLE[:count]]
    for n in range(len(members), count):
        roles = {Role.MANAGER} if n % 25 == 0 else {Role.FINANCE} if n % 40 == 1 else set()
        members.append(Member(workspace_id, f"user{n:05d}", f"User {n}", roles, joined_at=now))
    return members


class Generator:
    def __init__(self, workspace_id: int, currency: str, tz: ZoneInfo, now: datetime, policy: Policy,
                 seed: int = 7) -> None:
        self.workspace_id, self.currency, self.tz, self.now, self.policy = workspace_id, currency, tz, now, policy
        self.rng = random.Random(seed)
        self.today = now.astimezone(tz).date()

    def plan(self, size: Size) -> Plan:
        members = people(self.workspace_id, max(size.people, 4), self.now)
        bundles = [self.bundle(n, size, members) for n in range(size.campaigns)]
        running = [i for i, b in enumerate(bundles) if b.campaign.status is Status.ACTIVE and b.metrics]
        anomaly = running[0] if running else None
        if anomaly is not None:
            self.collapse(bundles[anomaly])
        return Plan(members, bundles, anomaly)

    def _at(self, day: date, hour: int = 18) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=self.tz).astimezone(UTC)

    def _dates(self, status: Status) -> tuple[date, date]:
        """First and last day: running campaigns around today, planned ones ahead, closed ones behind."""
        length = self.rng.randint(28, 75)
        if status is Status.PLANNING:
            start = self.today + timedelta(days=self.rng.randint(7, 40))
        elif status in (Status.COMPLETED, Status.CANCELLED):
            start = self.today - timedelta(days=length + self.rng.randint(2, 30))
        else:
            start = self.today - timedelta(days=self.rng.randint(10, max(length - 5, 11)))
        return start, start + timedelta(days=length)

    def bundle(self, n: int, size: Size, members: list[Member]) -> Bundle:
        status = PHASES[n % len(PHASES)]
        start, end = self._dates(status)
        owner = members[3 + n % (len(members) - 3)].user_ref if len(members) > 3 else members[0].user_ref
        budget = Decimal(self.rng.choice((30, 50, 80, 120, 200, 300))) * 1000
        name = NAMES[n % len(NAMES)] + ("" if n < len(NAMES) else f" {n // len(NAMES) + 1}")
        created = self._at(start - timedelta(days=21), 10)
        kpis = {"roi": Decimal(self.rng.choice(("2.5", "3", "4"))), "ctr": Decimal("0.02")}
        campaign = Campaign(self.workspace_id, f"{name} {start.year}", owner, "local", owner, created, self.currency,
                            status, Money(budget, self.currency), start=start, end=end,
                            launch=start + timedelta(days=7), kpis=kpis)
        found = Bundle(campaign)
        found.tasks = self.tasks(campaign, size.tasks, members)
        found.requests = self.requests(campaign, budget, members)
        if status is not Status.PLANNING:
            found.metrics = self.metrics(campaign, size, found.requests[0].amount.amount)
            fees = (budget * Decimal(self.rng.randint(2, 5)) / 100).quantize(Decimal("1"))
            found.spend = [SpendEntry(self.workspace_id, 0, Money(fees, self.currency), "venue and printing", "fay",
                                      self._at(start + timedelta(days=2), 11))]
        return found

    def tasks(self, c: Campaign, count: int, members: list[Member]) -> list[Task]:
        assert c.start is not None and c.end is not None
        span = (c.end - c.start).days + 21
        tasks = []
        for k in range(count):
            due_day = c.start - timedelta(days=21) + timedelta(days=round(span * (k + 1) / (count + 1)))
            due = self._at(due_day)
            status = self._task_status(c.status, due_day)
            who = members[(k * 7 + c.start.toordinal()) % len(members)].user_ref
            created = min(self._at(due_day - timedelta(days=self.rng.randint(5, 14)), 9), self.now)
            done = min(due - timedelta(hours=self.rng.randint(-30, 40)), self.now) \
                if status is TaskStatus.DONE else None
            tasks.append(Task(self.workspace_id, 0, TASKS[k % len(TASKS)], created, who, due, status,
                              "waiting for legal" if status is TaskStatus.BLOCKED else None, True, done))
        return tasks

    def _task_status(self, status: Status, due: date) -> TaskStatus:
        if status is Status.COMPLETED or (due < self.today and self.rng.random() < 0.85):
            return TaskStatus.DONE
        if due <= self.today + timedelta(days=5):
            return self.rng.choice((TaskStatus.DOING, TaskStatus.DOING, TaskStatus.BLOCKED, TaskStatus.TODO))
        return TaskStatus.TODO

    def requests(self, c: Campaign, budget: Decimal, members: list[Member]) -> list[ApprovalRequest]:
        assert c.start is not None
        first = budget * Decimal("0.6")
        asked = self._at(c.start - timedelta(days=14), 10)
        approved = ApprovalRequest(self.workspace_id, 0, c.owner, Money(first, self.currency), "Media and KOL budget",
                                   tuple(Step(r) for r in self.policy.steps_for(first)), asked)
        deciders = {Role.MANAGER: "bob", Role.FINANCE: "fay", Role.ADMIN: "alice"}
        for index, step in enumerate(approved.steps):
            role = step.role or Role.MANAGER
            approved.decisions.append(Decision(index, role, deciders[role], Outcome.APPROVED, "ok",
                                               asked + timedelta(hours=3 * (index + 1))))
        approved.status, approved.closed_at = ApprovalStatus.APPROVED, approved.decisions[-1].at
        found = [approved]
        if c.is_open:
            extra = Decimal(self.rng.choice((5000, 8000, 20000, 45000)))
            found.append(ApprovalRequest(self.workspace_id, 0, c.owner, Money(extra, self.currency),
                                         "Extra paid social for the launch week",
                                         tuple(Step(r) for r in self.policy.steps_for(extra)),
                                         min(self.now - timedelta(hours=self.rng.randint(2, 40)), self.now)))
        return found

    def metrics(self, c: Campaign, size: Size, approved: Decimal) -> list[DailyMetric]:
        """Daily spend paced against the approved budget (some campaigns ahead, some behind), the counts following
        from each channel's own cost per click, click-through and conversion rates."""
        assert c.start is not None and c.end is not None
        last = min(c.end, self.today - timedelta(days=1))
        first = max(c.start, last - timedelta(days=size.days - 1))
        pace = self.rng.choice((0.55, 0.85, 1.0, 1.0, 1.05, 1.35))
        daily = float(approved) * 0.9 * pace / (((c.end - c.start).days + 1) * size.channels)
        rows = []
        for channel in CHANNELS[:size.channels]:
            ctr, cvr, cpc = self.rng.uniform(0.012, 0.035), self.rng.uniform(0.02, 0.06), self.rng.uniform(1.2, 4.5)
            value = cpc / cvr * self.rng.uniform(1.8, 5.0)  # revenue per conversion: ROI between 1.8 and 5
            for d in range((last - first).days + 1):
                day = first + timedelta(days=d)
                clicks = int(daily * self.rng.uniform(0.85, 1.15) * (1.15 if day.weekday() < 5 else 0.75) / cpc)
                impressions = int(clicks / ctr)
                conversions = int(clicks * cvr * self.rng.uniform(0.85, 1.15))
                spend = Decimal(round(clicks * cpc, 2)).quantize(Decimal("0.01"))
                revenue = Decimal(round(conversions * value, 2)).quantize(Decimal("0.01"))
                rows.append(DailyMetric(self.workspace_id, 0, day, channel, spend, impressions, clicks, conversions,
                                        revenue))
        return rows

    @staticmethod
    def collapse(bundle: Bundle) -> None:
        """Yesterday, the first channel's clicks fell to a tenth: what the anomaly scan is there to catch."""
        last = max(m.day for m in bundle.metrics)
        channel = bundle.metrics[0].channel
        bundle.metrics = [m.merged({"clicks": (m.clicks or 0) // 10, "conversions": (m.conversions or 0) // 10,
                                    "revenue": ((m.revenue or Decimal(0)) / 10).quantize(Decimal("0.01"))})
                          if m.day == last and m.channel == channel else m for m in bundle.metrics]
