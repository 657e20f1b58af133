"""Rows to domain objects and back: plain field copying, nothing clever. `*_values` omit id and version."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from decimal import Decimal
from typing import Any

from adapters.db.tables import (
    ApprovalRequestRow,
    AuditRow,
    CampaignRow,
    DecisionRow,
    MemberRow,
    MetricRow,
    OutboxRow,
    SpendRow,
    SubscriptionRow,
    TaskRow,
    WorkspaceRow,
)
from domain.approval import ApprovalRequest, ApprovalStatus, Decision, Outcome, Step
from domain.attachments import Attachment
from domain.audit import AuditAction, AuditEntry
from domain.campaign import Campaign, Status
from domain.ledger import SpendEntry
from domain.metrics import DailyMetric
from domain.money import Money
from domain.notifications import AlertKind, DeliveryStatus, OutboxMessage, Subscription, Target, TargetKind
from domain.people import Away, Member, Platform, QuietHours, Role, Workspace
from domain.task import Task, TaskStatus

Values = dict[str, Any]


def workspace(row: WorkspaceRow) -> Workspace:
    return Workspace(platform=Platform(row.platform), external_id=row.external_id, name=row.name,
                     timezone=row.timezone, lang=row.lang, currency=row.currency, id=row.id)


def workspace_values(w: Workspace) -> Values:
    return {"platform": w.platform.value, "external_id": w.external_id, "name": w.name, "timezone": w.timezone,
            "lang": w.lang, "currency": w.currency}


def _quiet(start: str | None, end: str | None) -> QuietHours | None:
    if start is None or end is None:
        return None
    return QuietHours(time.fromisoformat(start), time.fromisoformat(end))


def member(row: MemberRow, roles: Iterable[str]) -> Member:
    return Member(workspace_id=row.workspace_id, user_ref=row.user_ref, display_name=row.display_name,
                  roles={Role(r) for r in roles}, timezone=row.timezone, lang=row.lang,
                  quiet=_quiet(row.quiet_start, row.quiet_end), joined_at=row.joined_at,
                  away=Away(row.away_delegate, row.away_until) if row.away_delegate and row.away_until else None)


def member_values(m: Member) -> Values:
    quiet = m.quiet
    return {"workspace_id": m.workspace_id, "user_ref": m.user_ref, "display_name": m.display_name,
            "timezone": m.timezone, "lang": m.lang, "joined_at": m.joined_at,
            "quiet_start": f"{quiet.start:%H:%M}" if quiet else None,
            "quiet_end": f"{quiet.end:%H:%M}" if quiet else None,
            "away_delegate": m.away.delegate if m.away else None, "away_until": m.away.until if m.away else None}


def campaign(row: CampaignRow) -> Campaign:
    budget = None
    if row.budget is not None:
        budget = Money(row.budget, row.budget_currency or row.currency)
    return Campaign(workspace_id=row.workspace_id, name=row.name, owner=row.owner, home_channel=row.home_channel,
                    created_by=row.created_by, created_at=row.created_at, currency=row.currency,
                    status=Status(row.status), budget=budget, start=row.start_day, end=row.end_day,
                    launch=row.launch_day, template=row.template,
                    kpis={k: Decimal(v) for k, v in row.kpis.items()}, id=row.id, version=row.version)


def campaign_values(c: Campaign) -> Values:
    return {"workspace_id": c.workspace_id, "name": c.name, "owner": c.owner, "home_channel": c.home_channel,
            "created_by": c.created_by, "created_at": c.created_at, "currency": c.currency,
            "status": c.status.value, "budget": c.budget.amount if c.budget else None,
            "budget_currency": c.budget.currency if c.budget else None, "start_day": c.start, "end_day": c.end,
            "launch_day": c.launch, "template": c.template, "kpis": {k: str(v) for k, v in c.kpis.items()}}


def task(row: TaskRow) -> Task:
    return Task(workspace_id=row.workspace_id, campaign_id=row.campaign_id, title=row.title,
                created_at=row.created_at, assignee=row.assignee, due=row.due, status=TaskStatus(row.status),
                blocked_reason=row.blocked_reason, from_template=row.from_template, done_at=row.done_at,
                id=row.id, version=row.version)


def task_values(t: Task) -> Values:
    return {"workspace_id": t.workspace_id, "campaign_id": t.campaign_id, "title": t.title,
            "created_at": t.created_at, "assignee": t.assignee, "due": t.due, "status": t.status.value,
            "blocked_reason": t.blocked_reason, "from_template": t.from_template, "done_at": t.done_at}


def decision(row: DecisionRow) -> Decision:
    return Decision(step=row.step, role=Role(row.role) if row.role else None, decider=row.decider,
                    outcome=Outcome(row.outcome), comment=row.comment, at=row.at, round=row.round,
                    on_behalf=row.on_behalf, added=row.added)


def decision_values(request_id: int, d: Decision) -> Values:
    return {"request_id": request_id, "round": d.round, "step": d.step, "role": d.role.value if d.role else "",
            "decider": d.decider, "outcome": d.outcome.value, "comment": d.comment, "at": d.at,
            "on_behalf": d.on_behalf, "added": d.added}


def step(stored: str | dict[str, Any]) -> Step:
    """A step as stored: a role's name (a policy step), or {role, signer, delegate} once added or handed over."""
    if isinstance(stored, str):
        return Step(Role(stored))
    role = stored.get("role")
    return Step(Role(role) if role else None, stored.get("signer"), stored.get("delegate"), stored.get("handed", 0))


def step_value(s: Step) -> str | dict[str, Any]:
    if s.signer is None and s.delegate is None and s.role is not None and not s.handed:
        return s.role.value
    return {"role": s.role.value if s.role else None, "signer": s.signer, "delegate": s.delegate, "handed": s.handed}


def request(row: ApprovalRequestRow, decisions: Iterable[Decision]) -> ApprovalRequest:
    return ApprovalRequest(workspace_id=row.workspace_id, campaign_id=row.campaign_id, requester=row.requester,
                           amount=Money(row.amount, row.currency), reason=row.reason,
                           steps=tuple(step(s) for s in row.steps), created_at=row.created_at,
                           status=ApprovalStatus(row.status),
                           decisions=sorted(decisions, key=lambda d: (d.round, d.step)),
                           closed_at=row.closed_at, id=row.id, version=row.version, round=row.round,
                           step_since=row.step_since, cc=tuple(row.cc),
                           attachments=tuple(Attachment(a["name"], a["url"]) for a in row.attachments),
                           urged_at=row.urged_at, closed_with=row.closed_with)


def request_values(r: ApprovalRequest) -> Values:
    return {"workspace_id": r.workspace_id, "campaign_id": r.campaign_id, "requester": r.requester,
            "amount": r.amount.amount, "currency": r.amount.currency, "reason": r.reason,
            "steps": [step_value(s) for s in r.steps], "created_at": r.created_at, "status": r.status.value,
            "closed_at": r.closed_at, "round": r.round, "step_since": r.step_since, "cc": list(r.cc),
            "attachments": [{"name": a.name, "url": a.url} for a in r.attachments], "urged_at": r.urged_at,
            "closed_with": r.closed_with}


def spend(row: SpendRow) -> SpendEntry:
    return SpendEntry(workspace_id=row.workspace_id, campaign_id=row.campaign_id,
                      amount=Money(row.amount, row.currency), note=row.note, recorded_by=row.recorded_by,
                      recorded_at=row.recorded_at, id=row.id)


def spend_values(e: SpendEntry) -> Values:
    return {"workspace_id": e.workspace_id, "campaign_id": e.campaign_id, "amount": e.amount.amount,
            "currency": e.amount.currency, "note": e.note, "recorded_by": e.recorded_by,
            "recorded_at": e.recorded_at}


def metric(row: MetricRow) -> DailyMetric:
    return DailyMetric(workspace_id=row.workspace_id, campaign_id=row.campaign_id, day=row.day, channel=row.channel,
                       spend=row.spend, impressions=row.impressions, clicks=row.clicks,
                       conversions=row.conversions, revenue=row.revenue)


def metric_values(m: DailyMetric) -> Values:
    return {"workspace_id": m.workspace_id, "campaign_id": m.campaign_id, "day": m.day, "channel": m.channel,
            "spend": m.spend, "impressions": m.impressions, "clicks": m.clicks, "conversions": m.conversions,
            "revenue": m.revenue}


def audit(row: AuditRow) -> AuditEntry:
    return AuditEntry(workspace_id=row.workspace_id, entity=row.entity, action=AuditAction(row.action), actor=row.actor,
                      at=row.at, campaign_id=row.campaign_id, detail=dict(row.detail), id=row.id)


def audit_values(a: AuditEntry) -> Values:
    return {"workspace_id": a.workspace_id, "entity": a.entity, "action": a.action, "actor": a.actor, "at": a.at,
            "campaign_id": a.campaign_id, "detail": dict(a.detail)}


def outbox(row: OutboxRow) -> OutboxMessage:
    """Delivery bookkeeping the dataclass has no field for travels in `meta`."""
    extra = {"next_attempt_at": row.next_attempt_at, "lease_owner": row.lease_owner,
             "lease_until": row.lease_until, "dead_at": row.dead_at}
    return OutboxMessage(key=row.key, kind=AlertKind(row.kind), workspace_id=row.workspace_id,
                         target=Target(TargetKind(row.target_kind), row.target_ref), payload=row.payload,
                         created_at=row.created_at, not_before=row.not_before, entity=row.entity,
                         status=DeliveryStatus(row.status), attempts=row.attempts, last_error=row.last_error,
                         sent_at=row.sent_at, id=row.id, meta={k: v for k, v in extra.items() if v is not None},
                         request_id=row.request_id)


def outbox_values(m: OutboxMessage) -> Values:
    return {"key": m.key, "kind": m.kind, "workspace_id": m.workspace_id, "target_kind": m.target.kind.value,
            "target_ref": m.target.ref, "payload": m.payload, "entity": m.entity, "created_at": m.created_at,
            "not_before": m.not_before, "status": m.status.value, "attempts": m.attempts,
            "next_attempt_at": m.not_before, "last_error": m.last_error, "sent_at": m.sent_at,
            "request_id": m.request_id}


def subscription(row: SubscriptionRow) -> Subscription:
    kinds = frozenset(k for k in row.kinds.split(",") if k)
    return Subscription(workspace_id=row.workspace_id, channel_ref=row.channel_ref, campaign_id=row.campaign_id,
                        kinds=kinds)


def subscription_values(s: Subscription) -> Values:
    return {"workspace_id": s.workspace_id, "channel_ref": s.channel_ref, "campaign_id": s.campaign_id,
            "kinds": ",".join(sorted(s.kinds))}
