"""Hand-written fakes: an in-memory unit of work, a clock you set, a chat gateway that records."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import TracebackType
from typing import Any, Self

from bot.cards import Card
from bot.ports import Copy, DeliveryError, Limit, NewCopy, Sent
from domain.abtest import Experiment, VariantMetric
from domain.alerts import Evaluation, Snooze
from domain.alerts import Outcome as AlertOutcome
from domain.approval import ApprovalRequest, ApprovalStatus
from domain.audit import AuditEntry
from domain.campaign import Campaign, Status
from domain.goals import Goal
from domain.ledger import SpendEntry
from domain.metrics import FIGURES, DailyMetric, Kpis, by_channel, by_day, totals
from domain.notifications import AlertKind, DeliveryStatus, OutboxMessage, Subscription, Target
from domain.people import Member, Platform, Role, Workspace
from domain.portfolio import Figures
from domain.retro import RetroNote
from domain.signin import LoginLink, WebSession
from domain.task import Task
from domain.tokens import ApiToken


class FakeClock:
    def __init__(self, at: datetime | None = None) -> None:
        self.at = at or datetime(2026, 11, 25, 2, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@dataclass
class Store:
    """What the fake database holds; shared by every FakeUnitOfWork made from it."""

    rows: dict[str, dict[Any, Any]] = field(default_factory=dict)
    ids: dict[str, itertools.count[int]] = field(default_factory=dict)
    commits: int = 0

    def table(self, name: str) -> dict[Any, Any]:
        return self.rows.setdefault(name, {})

    def next_id(self, name: str) -> int:
        return next(self.ids.setdefault(name, itertools.count(1)))


class _Repo:
    name = ""

    def __init__(self, data: dict[str, dict[Any, Any]], store: Store) -> None:
        self.rows = data.setdefault(self.name, {})
        self.store = store

    def _add(self, obj: Any) -> Any:
        obj.id = self.store.next_id(self.name)
        self.rows[obj.id] = obj
        return obj

    def _get(self, obj_id: int, workspace_id: int | None) -> Any:
        found = self.rows.get(obj_id)
        if found is None or (workspace_id is not None and found.workspace_id != workspace_id):
            return None
        return found

    def _save(self, obj: Any, ref: str) -> None:
        # Conflicts between concurrent writers are the database's job; the SQL tests cover them.
        obj.version += 1
        self.rows[obj.id] = obj


class FakeWorkspaces(_Repo):
    name = "workspaces"

    def get(self, workspace_id: int) -> Workspace | None:
        return self.rows.get(workspace_id)

    def by_key(self, platform: Platform, external_id: str) -> Workspace | None:
        return next((w for w in self.rows.values() if (w.platform, w.external_id) == (platform, external_id)), None)

    def add(self, workspace: Workspace) -> Workspace:
        return self._add(workspace)

    def all(self) -> Sequence[Workspace]:
        return list(self.rows.values())


class FakeMembers(_Repo):
    name = "members"

    def get(self, workspace_id: int, user_ref: str) -> Member | None:
        return self.rows.get((workspace_id, user_ref))

    def add(self, member: Member) -> Member:
        self.rows[(member.workspace_id, member.user_ref)] = member
        return member

    def save(self, member: Member) -> None:
        self.rows[(member.workspace_id, member.user_ref)] = member

    def holders(self, workspace_id: int, role: Role) -> Sequence[Member]:
        return [m for m in self.rows.values() if m.workspace_id == workspace_id and role in m.roles]

    def all(self, workspace_id: int) -> Sequence[Member]:
        return [m for m in self.rows.values() if m.workspace_id == workspace_id]

    def first(self, workspace_id: int, count: int) -> Sequence[Member]:
        return sorted(self.all(workspace_id), key=lambda m: m.user_ref)[:count]

    def covered_by(self, workspace_id: int, delegate: str) -> Sequence[Member]:
        return [m for m in self.all(workspace_id) if m.away is not None and m.away.delegate == delegate]


class FakeCampaigns(_Repo):
    name = "campaigns"

    def add(self, campaign: Campaign) -> Campaign:
        return self._add(campaign)

    def get(self, campaign_id: int, workspace_id: int | None) -> Campaign | None:
        return self._get(campaign_id, workspace_id)

    def save(self, campaign: Campaign) -> None:
        self._save(campaign, campaign.ref)

    def list(self, workspace_id: int, statuses: frozenset[Status] | None = None,
             owner: str | None = None) -> Sequence[Campaign]:
        return [c for c in self.rows.values() if c.workspace_id == workspace_id
                and (statuses is None or c.status in statuses) and (owner is None or c.owner == owner)]

    def many(self, campaign_ids: Sequence[int]) -> Sequence[Campaign]:
        return [self.rows[i] for i in sorted(set(campaign_ids)) if i in self.rows]


class FakeTasks(_Repo):
    name = "tasks"

    def add(self, task: Task) -> Task:
        return self._add(task)

    def get(self, task_id: int, workspace_id: int | None) -> Task | None:
        return self._get(task_id, workspace_id)

    def save(self, task: Task) -> None:
        self._save(task, task.ref)

    def for_campaign(self, campaign_id: int) -> Sequence[Task]:
        return sorted((t for t in self.rows.values() if t.campaign_id == campaign_id), key=lambda t: t.id)

    def for_assignee(self, workspace_id: int, user_ref: str) -> Sequence[Task]:
        return [t for t in self.rows.values() if t.workspace_id == workspace_id and t.assignee == user_ref]

    def open_due_before(self, workspace_id: int | None, before: datetime) -> Sequence[Task]:
        return [t for t in self.rows.values() if (workspace_id is None or t.workspace_id == workspace_id)
                and t.is_open and t.due is not None and t.due < before]

    def open_due_between(self, workspace_id: int | None, start: datetime, end: datetime) -> Sequence[Task]:
        found = [t for t in self.rows.values() if (workspace_id is None or t.workspace_id == workspace_id)
                 and t.is_open and t.due is not None and start <= t.due < end]
        return sorted(found, key=lambda t: (t.due, t.id))


    def delete(self, task: Task) -> None:
        del self.rows[task.pk]

    def restore(self, task: Task) -> None:
        self.rows[task.pk] = task


class FakeApprovals(_Repo):
    name = "approvals"

    def add(self, request: ApprovalRequest) -> ApprovalRequest:
        return self._add(request)

    def get(self, request_id: int, workspace_id: int | None) -> ApprovalRequest | None:
        return self._get(request_id, workspace_id)

    def save(self, request: ApprovalRequest) -> None:
        self._save(request, request.ref)

    def for_campaign(self, campaign_id: int) -> Sequence[ApprovalRequest]:
        return [r for r in self.rows.values() if r.campaign_id == campaign_id]

    def for_campaigns(self, campaign_ids: Sequence[int]) -> dict[int, list[ApprovalRequest]]:
        return {i: list(self.for_campaign(i)) for i in campaign_ids}

    def list(self, workspace_id: int, status: ApprovalStatus | None = None) -> Sequence[ApprovalRequest]:
        return [r for r in self.rows.values() if r.workspace_id == workspace_id
                and (status is None or r.status is status)]

    def pending_since(self, before: datetime) -> Sequence[ApprovalRequest]:
        return [r for r in self.rows.values() if r.status is ApprovalStatus.PENDING and r.created_at < before]


class FakeLedger(_Repo):
    name = "ledger"

    def add(self, entry: SpendEntry) -> SpendEntry:
        return self._add(entry)

    def for_campaign(self, campaign_id: int) -> Sequence[SpendEntry]:
        return [e for e in self.rows.values() if e.campaign_id == campaign_id]

    def for_campaigns(self, campaign_ids: Sequence[int]) -> dict[int, list[SpendEntry]]:
        return {i: list(self.for_campaign(i)) for i in campaign_ids}


    def remove(self, entry_id: int) -> None:
        del self.rows[entry_id]


class FakeMetrics(_Repo):
    name = "metrics"

    def get(self, campaign_id: int, day: date, channel: str) -> DailyMetric | None:
        return self.rows.get((campaign_id, day, channel))

    def put(self, metric: DailyMetric) -> None:
        self.rows[(metric.campaign_id, metric.day, metric.channel)] = metric

    def for_campaign(self, campaign_id: int, since: date | None = None) -> Sequence[DailyMetric]:
        return sorted((m for m in self.rows.values() if m.campaign_id == campaign_id
                       and (since is None or m.day >= since)), key=lambda m: (m.day, m.channel))

    def for_campaigns(self, campaign_ids: Sequence[int], since: date) -> dict[int, list[DailyMetric]]:
        return {i: list(self.for_campaign(i, since)) for i in campaign_ids}

    def totals(self, campaign_id: int) -> Kpis:
        return totals(self.for_campaign(campaign_id))

    def daily(self, campaign_id: int) -> Sequence[DailyMetric]:
        rows = self.for_campaign(campaign_id)
        return [DailyMetric(rows[0].workspace_id, campaign_id, day, "",
                            *(getattr(k, name) if name in k.recorded else None for name in FIGURES))
                for day, k in by_day(rows).items()]

    def by_channel(self, campaign_id: int) -> dict[str, Kpis]:
        return by_channel(self.for_campaign(campaign_id))

    def totals_of(self, campaign_ids: Sequence[int]) -> dict[int, Kpis]:
        return {i: self.totals(i) for i in campaign_ids}

    def put_many(self, metrics: Sequence[DailyMetric]) -> None:
        for metric in metrics:
            self.put(metric)

    def remove(self, campaign_id: int, day: date, channel: str) -> None:
        self.rows.pop((campaign_id, day, channel), None)


class FakeAudit(_Repo):
    name = "audit"

    def add(self, entry: AuditEntry) -> None:
        number = len(self.rows) + 1
        self.rows[number] = dataclasses.replace(entry, id=number)

    def for_entity(self, entity: str) -> Sequence[AuditEntry]:
        return [e for e in self.rows.values() if e.entity == entity]

    def for_campaign(self, campaign_id: int, since: datetime | None = None) -> Sequence[AuditEntry]:
        return [e for e in self.rows.values() if e.campaign_id == campaign_id and (since is None or e.at >= since)]


    def by_actor(self, workspace_id: int, actor: str, since: datetime) -> Sequence[AuditEntry]:
        found = [e for e in self.rows.values() if e.workspace_id == workspace_id and e.actor == actor and e.at >= since]
        return sorted(found, key=lambda e: (e.at, e.id or 0), reverse=True)


class FakeOutbox(_Repo):
    name = "outbox"

    def add(self, message: OutboxMessage) -> bool:
        if message.key in {m.key for m in self.rows.values()}:
            return False
        self._add(message)
        return True

    def add_many(self, messages: Sequence[OutboxMessage]) -> Sequence[bool]:
        return [self.add(m) for m in messages]

    def about(self, entity: str, kinds: Sequence[AlertKind]) -> Sequence[OutboxMessage]:
        standing = (DeliveryStatus.PENDING, DeliveryStatus.SENT)
        return sorted((m for m in self.rows.values() if m.entity == entity and m.kind in kinds
                       and m.status in standing and "~" not in m.key), key=lambda m: m.id or 0)

    def retract(self, message_ids: Sequence[int], now: datetime) -> Sequence[int]:
        sent = []
        for i in message_ids:
            m = self.rows[i]
            leased = m.meta.get("lease_until") is not None and m.meta["lease_until"] >= now
            if m.status is DeliveryStatus.PENDING and not leased:
                m.status = DeliveryStatus.DROPPED
            elif "~" not in m.key:
                sent.append(i)
            m.key = m.key if "~" in m.key else f"{m.key}~{i}"
        return sent


class FakeSubscriptions(_Repo):
    name = "subscriptions"

    def put(self, subscription: Subscription) -> None:
        self.rows[(subscription.workspace_id, subscription.channel_ref, subscription.campaign_id)] = subscription

    def remove(self, workspace_id: int, channel_ref: str, campaign_id: int | None) -> bool:
        return self.rows.pop((workspace_id, channel_ref, campaign_id), None) is not None

    def for_workspace(self, workspace_id: int) -> Sequence[Subscription]:
        return [s for s in self.rows.values() if s.workspace_id == workspace_id]


# --- anomaly alerts and API tokens --------------------------------------------------------------------
class FakeAnomalies(_Repo):
    name = "anomalies"

    def __init__(self, data: dict[str, dict[Any, Any]], store: Store) -> None:
        super().__init__(data, store)
        self.metrics = data.setdefault("metrics", {})
        self.snoozes: dict[int, Snooze] = data.setdefault("snoozes", {})

    def get(self, campaign_id: int, day: date) -> Evaluation | None:
        return self.rows.get((campaign_id, day))

    def get_many(self, keys: Sequence[tuple[int, date]]) -> dict[tuple[int, date], Evaluation]:
        return {k: self.rows[k] for k in keys if k in self.rows}

    def put(self, evaluation: Evaluation) -> None:
        self.rows[(evaluation.campaign_id, evaluation.day)] = evaluation

    def put_many(self, evaluations: Sequence[Evaluation]) -> None:
        for evaluation in evaluations:
            self.put(evaluation)

    def unevaluated(self, since: date) -> Sequence[tuple[int, date]]:
        days = {(m.campaign_id, m.day) for m in self.metrics.values() if m.day >= since}
        return sorted(days - set(self.rows))

    def snooze(self, snooze: Snooze) -> None:
        self.snoozes[snooze.campaign_id] = snooze

    def snoozed_until(self, campaign_id: int) -> datetime | None:
        found = self.snoozes.get(campaign_id)
        return found.until if found else None

    def snoozed(self, campaign_ids: Sequence[int]) -> dict[int, datetime]:
        return {i: self.snoozes[i].until for i in campaign_ids if i in self.snoozes}


class FakeTokens(_Repo):
    name = "tokens"

    def add(self, token: ApiToken) -> ApiToken:
        return self._add(token)

    def by_hash(self, token_hash: str) -> ApiToken | None:
        return next((t for t in self.rows.values() if t.token_hash == token_hash), None)

    def active(self, workspace_id: int) -> Sequence[ApiToken]:
        return [t for t in self.rows.values() if t.workspace_id == workspace_id and t.active]

    def revoke(self, token_id: int, at: datetime) -> None:
        self.rows[token_id].revoked_at = at


# --- the portfolio and the web dashboard's sign-in -------------------------------------------------------------
class FakePortfolio(_Repo):
    """The figures the SQL aggregates, computed from the fake tables row by row."""

    name = "portfolio"

    def __init__(self, data: dict[str, dict[Any, Any]], store: Store) -> None:
        super().__init__(data, store)
        self.data = data

    def _of(self, table: str, campaign_id: int) -> list[Any]:
        return [r for r in self.data.get(table, {}).values() if r.campaign_id == campaign_id]

    def figures(self, workspace_id: int, statuses: frozenset[Status] | None, owner: str | None, now: datetime,
                anomalies_since: date) -> Sequence[Figures]:
        found = []
        for c in sorted(self.data.get("campaigns", {}).values(), key=lambda c: c.pk):
            if c.workspace_id != workspace_id or (statuses is not None and c.status not in statuses) \
                    or (owner is not None and c.owner != owner):
                continue
            requests, tasks = self._of("approvals", c.pk), self._of("tasks", c.pk)
            media = totals(self._of("metrics", c.pk))
            approved = sum((r.amount.amount for r in requests if r.status is ApprovalStatus.APPROVED), Decimal(0))
            pending = [r for r in requests if r.status is ApprovalStatus.PENDING]
            anomalies = [e for e in self._of("anomalies", c.pk) if e.outcome is AlertOutcome.ALERTED
                         and e.acknowledged_by is None and e.day >= anomalies_since]
            found.append(Figures(c, approved, sum((r.amount.amount for r in pending), Decimal(0)), len(pending),
                                 sum((e.amount.amount for e in self._of("ledger", c.pk)), Decimal(0)),
                                 media.spend, media.revenue if media.has("revenue") else None, len(tasks),
                                 sum(t.is_open for t in tasks),
                                 sum(t.is_overdue(now) for t in tasks), len(anomalies)))
        return found


class FakeSignIns(_Repo):
    name = "signins"

    def add_link(self, link: LoginLink) -> LoginLink:
        return self._add(link)

    def redeem(self, token_hash: str, now: datetime) -> LoginLink | None:
        link = next((k for k in self.rows.values() if isinstance(k, LoginLink) and k.token_hash == token_hash), None)
        if link is None or not link.usable(now):
            return None
        link.used_at = now
        return link

    def add_session(self, session: WebSession) -> WebSession:
        return self._add(session)

    def session(self, token_hash: str, now: datetime) -> WebSession | None:
        return next((s for s in self.rows.values()
                     if isinstance(s, WebSession) and s.token_hash == token_hash and s.valid(now)), None)

    def end_session(self, token_hash: str) -> None:
        for key in [k for k, s in self.rows.items() if isinstance(s, WebSession) and s.token_hash == token_hash]:
            del self.rows[key]


# --- goals, A/B tests and retrospectives (issue 13) ------------------------------------------------------------
class FakeGoals(_Repo):
    name = "goals"

    def add(self, goal: Goal) -> Goal:
        return self._add(goal)

    def get(self, goal_id: int, workspace_id: int | None) -> Goal | None:
        return self._get(goal_id, workspace_id)

    def save(self, goal: Goal) -> None:
        self._save(goal, goal.ref)

    def list(self, workspace_id: int | None) -> Sequence[Goal]:
        return [g for _, g in sorted(self.rows.items()) if workspace_id is None or g.workspace_id == workspace_id]


class FakeExperiments(_Repo):
    name = "experiments"

    def add(self, test: Experiment) -> Experiment:
        return self._add(test)

    def get(self, test_id: int, workspace_id: int | None) -> Experiment | None:
        return self._get(test_id, workspace_id)

    def save(self, test: Experiment) -> None:
        self._save(test, test.ref)

    def for_campaign(self, campaign_id: int) -> Sequence[Experiment]:
        tests = [t for t in self.rows.values() if isinstance(t, Experiment) and t.campaign_id == campaign_id]
        return sorted(tests, key=lambda t: t.pk)

    def put_variant(self, metric: VariantMetric) -> None:
        self.rows[("variant", metric.experiment_id, metric.variant, metric.row.day, metric.row.channel)] = metric

    def variant_rows(self, test_id: int) -> Sequence[VariantMetric]:
        found = [m for k, m in self.rows.items() if isinstance(k, tuple) and k[1] == test_id]
        return sorted(found, key=lambda m: (m.row.day, m.variant, m.row.channel))


class FakeRetros(_Repo):
    name = "retros"

    def add_note(self, note: RetroNote) -> RetroNote:
        return self._add(note)

    def notes(self, campaign_id: int) -> Sequence[RetroNote]:
        return [n for _, n in sorted(self.rows.items()) if n.campaign_id == campaign_id]


REPOS = {"workspaces": FakeWorkspaces, "members": FakeMembers, "campaigns": FakeCampaigns, "tasks": FakeTasks,
         "approvals": FakeApprovals, "ledger": FakeLedger, "metrics": FakeMetrics, "audit": FakeAudit,
         "outbox": FakeOutbox, "subscriptions": FakeSubscriptions, "anomalies": FakeAnomalies, "tokens": FakeTokens,
         "portfolio": FakePortfolio, "signins": FakeSignIns}
REPOS["goals"] = FakeGoals
REPOS["experiments"] = FakeExperiments
REPOS["retros"] = FakeRetros


class FakeUnitOfWork:
    """Works on a private copy of the store; commit publishes it, leaving without commit discards it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.committed = False

    def __enter__(self) -> Self:
        self._data = copy.deepcopy(self.store.rows)
        for attr, repo in REPOS.items():
            setattr(self, attr, repo(self._data, self.store))
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._data = {}

    def commit(self) -> None:
        self.store.rows = copy.deepcopy(self._data)
        self.store.commits += 1
        self.committed = True

    def rollback(self) -> None:
        self._data = copy.deepcopy(self.store.rows)


class FakeChatGateway:
    """Records what would be sent, and when; scriptable: `fail(n, error)` makes the next n sends raise it.
    `limits`: the platform's rate buckets (a real adapter's `rate_limits`); none by default, as on the console."""

    def __init__(self, platform: Platform = Platform.CONSOLE,
                 limits: Callable[[Workspace, Target], tuple[Limit, ...]] | None = None) -> None:
        self.platform = platform
        self._limits = limits
        self.sent: list[tuple[Target, Card, str]] = []
        self.updated: list[tuple[str, str, Card]] = []
        self.failures: list[DeliveryError] = []
        self.attempts: list[tuple[float, str]] = []  # (monotonic time, idempotency key) of every send tried
        self._ts = itertools.count(1)

    def fail(self, times: int, error: DeliveryError) -> FakeChatGateway:
        self.failures.extend([error] * times)
        return self

    def limits(self, workspace: Workspace, target: Target) -> tuple[Limit, ...]:
        return self._limits(workspace, target) if self._limits else ()

    async def send(self, workspace: Workspace, target: Target, card: Card, idempotency_key: str) -> Sent:
        self.attempts.append((time.monotonic(), idempotency_key))
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((target, card, idempotency_key))
        return Sent(channel=target.ref, message_ref=f"m{next(self._ts)}")

    async def update(self, workspace: Workspace, channel: str, message_ref: str, card: Card) -> None:
        self.updated.append((channel, message_ref, card))


class FakeOutboxStore:
    """The delivery side of the fake store's outbox, with leases like the real one."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.copies_by_entity: dict[str, list[Copy]] = {}

    def _rows(self) -> dict[Any, OutboxMessage]:
        return self.store.table("outbox")

    @staticmethod
    def _due(m: OutboxMessage, now: datetime, due_by: datetime | None = None, leased_too: bool = False) -> bool:
        leased = not leased_too and m.meta.get("lease_until") is not None and m.meta["lease_until"] >= now
        return (m.status is DeliveryStatus.PENDING and m.not_before <= max(now, due_by or now)
                and m.meta.get("next_attempt_at", m.not_before) <= now and not leased)

    def claim(self, now: datetime, limit: int, lease_seconds: float, owner: str, due_by: datetime | None = None,
              per_target: int = 0, together: frozenset[str] = frozenset()) -> Sequence[OutboxMessage]:
        ranks: dict[tuple[int, Target], int] = {}
        ranked: list[tuple[int, int, OutboxMessage]] = []
        for m in sorted(self._rows().values(), key=lambda m: m.id or 0):
            if self._due(m, now, due_by, leased_too=True):
                rank = ranks[m.workspace_id, m.target] = ranks.get((m.workspace_id, m.target), 0) + 1
                rank = 1 if m.kind in together or not per_target else rank
                if rank <= (per_target or rank) and self._due(m, now, due_by):
                    ranked.append((rank, m.id or 0, m))
        due = [m for _, _, m in sorted(ranked, key=lambda r: r[:2])][:limit]
        for m in due:
            m.meta.update(lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds))
        return [copy.deepcopy(m) for m in due]

    def purge_sent(self, before: datetime, limit: int, keep: frozenset[str] = frozenset()) -> int:
        rows = self._rows()
        old = sorted((m for m in rows.values() if m.status is DeliveryStatus.SENT and m.kind not in keep
                      and m.sent_at is not None and m.sent_at < before), key=lambda m: m.sent_at or before)[:limit]
        for m in old:
            del rows[m.id]
        return len(old)

    def _held_by(self, owner: str, ids: Sequence[int]) -> list[OutboxMessage]:
        return [m for i, m in self._rows().items()
                if i in ids and m.status is DeliveryStatus.PENDING and m.meta.get("lease_owner") == owner]

    def renew(self, owner: str, ids: Sequence[int], now: datetime, lease_seconds: float) -> int:
        held = self._held_by(owner, ids)
        for m in held:
            m.meta["lease_until"] = now + timedelta(seconds=lease_seconds)
        return len(held)

    def release(self, owner: str, ids: Sequence[int]) -> int:
        held = self._held_by(owner, ids)
        for m in held:
            m.meta.pop("lease_owner", None)
            m.meta.pop("lease_until", None)
        return len(held)

    def heartbeat(self, owner: str, now: datetime, ttl_seconds: float) -> int:
        return 1

    def leave(self, owner: str) -> None:
        return None

    def _settle(self, message_id: int, **changes: Any) -> OutboxMessage:
        row = self._rows()[message_id]
        if row.status is DeliveryStatus.PENDING:
            row.attempts += 1
            row.meta.pop("lease_owner", None)
            row.meta.pop("lease_until", None)
            for name, value in changes.items():
                if name == "next_attempt_at":
                    row.meta[name] = value
                else:
                    setattr(row, name, value)
        return row

    def mark_sent(self, message_id: int, at: datetime) -> None:
        self._settle(message_id, status=DeliveryStatus.SENT, sent_at=at)

    def mark_sent_many(self, message_ids: Sequence[int], at: datetime, copy: NewCopy | None = None) -> None:
        for message_id in message_ids:
            self.mark_sent(message_id, at)
        if copy is not None:
            self.record_copy(copy.workspace_id, copy.entity, copy.sent, copy.lang, copy.turn)

    def note_failure(self, message_id: int, error: str) -> None:
        row = self._rows()[message_id]
        row.attempts += 1
        row.last_error = error

    def defer(self, message_id: int, next_at: datetime, error: str | None = None) -> None:
        row = self._rows()[message_id]
        if error:
            row.last_error = error
        row.meta.pop("lease_until", None)
        row.meta.pop("lease_owner", None)
        row.meta["next_attempt_at"] = next_at

    def mark_retry(self, message_id: int, next_at: datetime, error: str) -> None:
        self._settle(message_id, next_attempt_at=next_at, last_error=error)

    def mark_dead(self, message_id: int, at: datetime, error: str) -> None:
        self._settle(message_id, status=DeliveryStatus.DEAD, last_error=error)

    def record_copy(self, workspace_id: int, entity: str, sent: Sent, lang: str | None = None,
                    turn: str | None = None) -> None:
        self.copies_by_entity.setdefault(entity, []).append(Copy(sent.channel, sent.message_ref, lang, turn))

    def copies(self, entity: str) -> Sequence[Copy]:
        return self.copies_by_entity.get(entity, [])

    def workspace(self, workspace_id: int) -> Workspace | None:
        return self.store.table("workspaces").get(workspace_id)

    def _list(self, status: DeliveryStatus, limit: int) -> Sequence[OutboxMessage]:
        return sorted((m for m in self._rows().values() if m.status is status), key=lambda m: m.id or 0)[:limit]

    def depth(self, now: datetime) -> dict[str, int]:
        pending = [m for m in self._rows().values() if m.status is DeliveryStatus.PENDING]
        leased = sum(1 for m in pending if m.meta.get("lease_until") is not None and m.meta["lease_until"] >= now)
        due = sum(1 for m in pending if self._due(m, now))
        return {"due": due, "waiting": len(pending) - due - leased, "leased": leased}

    def list_pending(self, limit: int = 100) -> Sequence[OutboxMessage]:
        return self._list(DeliveryStatus.PENDING, limit)

    def list_dead(self, limit: int = 100) -> Sequence[OutboxMessage]:
        return self._list(DeliveryStatus.DEAD, limit)

    def replay(self, message_id: int) -> bool:
        row = self._rows().get(message_id)
        if row is None or row.status is not DeliveryStatus.DEAD:
            return False
        row.status, row.attempts, row.meta = DeliveryStatus.PENDING, 0, {}
        return True
