"""SQLModel tables: the rows behind each aggregate, with the unique keys and indexes the scans rely on."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKeyConstraint,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from adapters.db.types import Amount, AmountTotal, UtcDateTime

# Stable constraint names, so migrations can refer to them and conflicts can be recognised.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Partial-index predicates. Queries repeat them verbatim (as SQL text, not bound parameters): both SQLite and
# PostgreSQL use a partial index only when the query's WHERE visibly implies the index's WHERE.
OPEN_TASK = "status <> 'done'"
PENDING_DELIVERY = "status = 'pending'"
DEAD_DELIVERY = "status = 'dead'"  # dead letters: counted at every metrics scrape along their own small index
SENT_DELIVERY = "status = 'sent'"  # the history: removed by age (MEMS_OUTBOX_RETENTION_DAYS) along ix_outbox_sent
# Ids are shown to people (C-12, T-3, A-7) and must never be handed out twice, even after a delete:
# SQLite reuses the highest rowid without AUTOINCREMENT; PostgreSQL sequences never go back.
NO_REUSE = {"sqlite_autoincrement": True}


def partial(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    return Index(name, *columns, unique=unique, sqlite_where=text(where), postgresql_where=text(where))


class Base(SQLModel, registry=registry(metadata=MetaData(naming_convention=NAMING))):
    """Our own metadata, so nothing else that uses SQLModel ends up in our migrations."""


metadata = Base.metadata


class WorkspaceRow(Base, table=True):
    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(sa_type=String(16))
    external_id: str = Field(sa_type=String(255))
    name: str = Field(sa_type=String(200))
    timezone: str = Field(sa_type=String(64))
    lang: str = Field(sa_type=String(8))
    currency: str = Field(sa_type=String(3))
    # bumped by every transaction that adds or changes a member (adapters/db/members_cache.py)
    members_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class MemberRow(Base, table=True):
    __tablename__ = "members"
    # ix_members_away: whom a person covers while colleagues are away (looked up on every decision they take).
    __table_args__ = (UniqueConstraint("workspace_id", "user_ref"),
                      Index("ix_members_away", "workspace_id", "away_delegate"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    user_ref: str = Field(sa_type=String(128))
    display_name: str = Field(default="", sa_type=String(200))
    timezone: str | None = Field(default=None, sa_type=String(64))
    lang: str | None = Field(default=None, sa_type=String(8))
    quiet_start: str | None = Field(default=None, sa_type=String(5))  # "HH:MM"
    quiet_end: str | None = Field(default=None, sa_type=String(5))
    joined_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    away_delegate: str | None = Field(default=None, sa_type=String(128))  # out of office: who covers, until when
    away_until: date | None = None


class MemberRoleRow(Base, table=True):
    __tablename__ = "member_roles"
    __table_args__ = (
        UniqueConstraint("workspace_id", "user_ref", "role"),
        ForeignKeyConstraint(["workspace_id", "user_ref"], ["members.workspace_id", "members.user_ref"],
                             ondelete="CASCADE"),
        Index("ix_member_roles_holders", "workspace_id", "role"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int
    user_ref: str = Field(sa_type=String(128))
    role: str = Field(sa_type=String(16))


class CampaignRow(Base, table=True):
    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_workspace_status", "workspace_id", "status"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    name: str = Field(sa_type=String(200))
    owner: str = Field(sa_type=String(128))
    home_channel: str = Field(sa_type=String(128))
    created_by: str = Field(sa_type=String(128))
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    currency: str = Field(sa_type=String(3))
    status: str = Field(sa_type=String(16))
    budget: Decimal | None = Field(default=None, sa_type=Amount)
    budget_currency: str | None = Field(default=None, sa_type=String(3))
    start_day: date | None = None
    end_day: date | None = None
    launch_day: date | None = None
    template: str | None = Field(default=None, sa_type=String(64))
    kpis: dict[str, str] = Field(default_factory=dict, sa_type=JSON, nullable=False)  # metric -> str(Decimal)
    version: int = 0


class TaskRow(Base, table=True):
    __tablename__ = "tasks"
    __table_args__ = (
        partial("ix_tasks_open_due", "due", where=OPEN_TASK),
        Index("ix_tasks_workspace_assignee", "workspace_id", "assignee"),
        Index("ix_tasks_campaign", "campaign_id"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    campaign_id: int = Field(foreign_key="campaigns.id")
    title: str = Field(sa_type=String(300))
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    assignee: str | None = Field(default=None, sa_type=String(128))
    due: datetime | None = Field(default=None, sa_type=UtcDateTime)
    status: str = Field(sa_type=String(16))
    blocked_reason: str | None = Field(default=None, sa_type=Text)
    from_template: bool = False
    done_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    version: int = 0


class ApprovalRequestRow(Base, table=True):
    __tablename__ = "approval_requests"
    __table_args__ = (
        Index("ix_approval_requests_status_created", "status", "created_at"),
        Index("ix_approval_requests_workspace_status", "workspace_id", "status"),
        Index("ix_approval_requests_campaign", "campaign_id"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    campaign_id: int = Field(foreign_key="campaigns.id")
    requester: str = Field(sa_type=String(128))
    amount: Decimal = Field(sa_type=Amount, nullable=False)
    currency: str = Field(sa_type=String(3))
    reason: str = Field(sa_type=Text)
    # In order: a role's name, or {role, signer, delegate} for a step added for a person or handed over.
    steps: list[str | dict[str, Any]] = Field(sa_type=JSON, nullable=False)
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    status: str = Field(sa_type=String(16))
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    version: int = 0
    closed_with: str | None = Field(default=None, sa_type=String(16))  # withdrawn as its campaign went to this status
    # the approval desk
    round: int = 1
    step_since: datetime | None = Field(default=None, sa_type=UtcDateTime)
    cc: list[str] = Field(default_factory=list, sa_type=JSON, nullable=False)
    attachments: list[dict[str, str]] = Field(default_factory=list, sa_type=JSON, nullable=False)
    urged_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class DecisionRow(Base, table=True):
    __tablename__ = "approval_decisions"
    # The version check already lets one writer win; this is the second guard, in the schema itself: one decision
    # per step of each round (a revised request starts a new round at step 1).
    __table_args__ = (UniqueConstraint("request_id", "round", "step"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="approval_requests.id")
    round: int = 1
    step: int
    role: str = Field(sa_type=String(16))  # '' on a step added for a named signer
    decider: str = Field(sa_type=String(128))
    outcome: str = Field(sa_type=String(16))
    comment: str = Field(default="", sa_type=Text)
    at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    on_behalf: str | None = Field(default=None, sa_type=String(128))
    added: str | None = Field(default=None, sa_type=String(128))


class SpendRow(Base, table=True):
    __tablename__ = "spend_entries"
    __table_args__ = (Index("ix_spend_entries_campaign", "campaign_id"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    campaign_id: int = Field(foreign_key="campaigns.id")
    amount: Decimal = Field(sa_type=Amount, nullable=False)
    currency: str = Field(sa_type=String(3))
    note: str = Field(default="", sa_type=Text)
    recorded_by: str = Field(sa_type=String(128))
    recorded_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class MetricRow(Base, table=True):
    __tablename__ = "daily_metrics"
    # Also the index for "metrics of a campaign by day": campaign_id and day are its leading columns.
    # ix_daily_metrics_day: the anomaly scan looks for recent days of every campaign.
    __table_args__ = (UniqueConstraint("campaign_id", "day", "channel"), Index("ix_daily_metrics_day", "day"),
                      NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    campaign_id: int = Field(foreign_key="campaigns.id")
    day: date
    channel: str = Field(default="", sa_type=String(64))  # '' when none: NULL would defeat the unique key
    spend: Decimal | None = Field(default=None, sa_type=Amount, nullable=True)  # None: not recorded
    impressions: int | None = Field(default=None, sa_type=BigInteger, nullable=True)  # None: not recorded
    clicks: int | None = Field(default=None, sa_type=BigInteger, nullable=True)  # None: not recorded
    conversions: int | None = Field(default=None, sa_type=BigInteger, nullable=True)  # None: not recorded
    revenue: Decimal | None = Field(default=None, sa_type=Amount, nullable=True)  # None: not recorded


class MetricTotalRow(Base, table=True):
    """A campaign's daily metrics summed over every day and channel, kept in the same transaction as every write of
    its rows (adapters/db/totals.py), so reads of whole campaigns (the portfolio, a ledger) sum no rows."""

    __tablename__ = "metric_totals"

    campaign_id: int = Field(primary_key=True, foreign_key="campaigns.id")
    workspace_id: int = Field(foreign_key="workspaces.id")
    rows: int = Field(default=0, sa_type=BigInteger)  # how many rows the sums are of
    spend: Decimal | None = Field(default=None, sa_type=AmountTotal, nullable=True)  # None: no day recorded it
    impressions: int | None = Field(default=None, sa_type=BigInteger, nullable=True)
    clicks: int | None = Field(default=None, sa_type=BigInteger, nullable=True)
    conversions: int | None = Field(default=None, sa_type=BigInteger, nullable=True)
    revenue: Decimal | None = Field(default=None, sa_type=AmountTotal, nullable=True)


class AuditRow(Base, table=True):
    __tablename__ = "audit_entries"
    # No foreign key to campaigns: the trail is history and must not constrain what it records.
    __table_args__ = (
        Index("ix_audit_entries_entity", "entity"),
        Index("ix_audit_entries_campaign_at", "campaign_id", "at"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    entity: str = Field(sa_type=String(64))
    action: str = Field(sa_type=String(64))
    actor: str = Field(sa_type=String(128))
    at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    campaign_id: int | None = None
    detail: dict[str, str] = Field(default_factory=dict, sa_type=JSON, nullable=False)


class OutboxRow(Base, table=True):
    __tablename__ = "outbox"
    __table_args__ = (partial("ix_outbox_due", "next_attempt_at", where=PENDING_DELIVERY),
                      partial("ix_outbox_dead", "dead_at", where=DEAD_DELIVERY),
                      partial("ix_outbox_sent", "sent_at", where=SENT_DELIVERY),
                      Index("ix_outbox_entity", "entity"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(512), unique=True)
    kind: str = Field(sa_type=String(64))
    workspace_id: int = Field(foreign_key="workspaces.id")
    target_kind: str = Field(sa_type=String(16))
    target_ref: str = Field(sa_type=String(128))
    payload: dict[str, Any] = Field(sa_type=JSON, nullable=False)
    entity: str | None = Field(default=None, sa_type=String(64))
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    not_before: datetime = Field(sa_type=UtcDateTime, nullable=False)
    status: str = Field(sa_type=String(16))  # pending | sent | dead
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UtcDateTime)  # NULL: due now
    lease_owner: str | None = Field(default=None, sa_type=String(128))
    lease_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_error: str | None = Field(default=None, sa_type=Text)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    dead_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    request_id: str | None = Field(default=None, sa_type=String(32))  # the request that wrote it (in its logs too)


class CardCopyRow(Base, table=True):
    __tablename__ = "card_copies"
    # Also the lookup index for copies(entity).
    __table_args__ = (UniqueConstraint("entity", "channel", "message_ref"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    entity: str = Field(sa_type=String(64))
    channel: str = Field(sa_type=String(128))
    message_ref: str = Field(sa_type=String(128))
    lang: str | None = Field(default=None, sa_type=String(8))
    turn: str | None = Field(default=None, sa_type=String(16))  # "round.step" its buttons act on, if any


class SubscriptionRow(Base, table=True):
    __tablename__ = "subscriptions"
    # campaign_id NULL means every campaign. NULLs are distinct in a plain unique key, so the "all" row
    # gets a partial unique index of its own.
    __table_args__ = (
        partial("uq_subscriptions_campaign", "workspace_id", "channel_ref", "campaign_id",
                where="campaign_id IS NOT NULL", unique=True),
        partial("uq_subscriptions_all", "workspace_id", "channel_ref", where="campaign_id IS NULL", unique=True),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    channel_ref: str = Field(sa_type=String(128))
    campaign_id: int | None = Field(default=None, foreign_key="campaigns.id")
    kinds: str = Field(sa_type=String(255))  # comma-separated families, sorted


class ApiTokenRow(Base, table=True):
    __tablename__ = "api_tokens"
    __table_args__ = (NO_REUSE,)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int | None = Field(default=None, foreign_key="workspaces.id")  # NULL: every workspace
    name: str = Field(sa_type=String(100))
    token_hash: str = Field(sa_type=String(128), unique=True)
    created_by: str = Field(sa_type=String(128))
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


# --- anomaly alerts and API tokens --------------------------------------------------------------------
class AnomalyEvaluationRow(Base, table=True):
    __tablename__ = "anomaly_evaluations"
    # One evaluation per campaign and day; also the lookup index of the scan's anti-join.
    __table_args__ = (UniqueConstraint("campaign_id", "day"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    campaign_id: int = Field(foreign_key="campaigns.id")
    day: date
    evaluated_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    outcome: str = Field(sa_type=String(16))
    moves: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)
    card: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    acknowledged_by: str | None = Field(default=None, sa_type=String(128))
    acknowledged_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class AlertSnoozeRow(Base, table=True):
    __tablename__ = "alert_snoozes"
    __table_args__ = (UniqueConstraint("campaign_id"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    campaign_id: int = Field(foreign_key="campaigns.id")
    until: datetime = Field(sa_type=UtcDateTime, nullable=False)
    snoozed_by: str = Field(sa_type=String(128))
    snoozed_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


# --- what keeps delivery and inbound requests safe without Redis ----------------------------------------
class DedupeKeyRow(Base, table=True):
    """A request already seen (a Slack event id, a Feishu click): the key is unique, so two replicas that get the
    same request agree on which one runs it. A row past `expires_at` may be taken again."""

    __tablename__ = "dedupe_keys"

    key: str = Field(sa_type=String(255), primary_key=True)
    expires_at: datetime = Field(sa_type=UtcDateTime, nullable=False, index=True)


class WorkerRow(Base, table=True):
    """A live delivery worker's heartbeat: while Redis is away, each worker takes its share of every rate bucket
    (1 / the number of workers seen lately)."""

    __tablename__ = "workers"

    owner: str = Field(sa_type=String(128), primary_key=True)
    seen_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class LeaseRow(Base, table=True):
    """Work that must run in one process at a time (the scanner, Slack's Socket Mode): held by `owner` until
    `expires_at`, renewed while it lives; past that, any process may take it."""

    __tablename__ = "leases"

    name: str = Field(sa_type=String(64), primary_key=True)
    owner: str = Field(sa_type=String(128))
    expires_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


# --- the web dashboard's sign-in ------------------------------------------------------------------------------
class LoginLinkRow(Base, table=True):
    __tablename__ = "login_links"
    __table_args__ = (NO_REUSE,)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    user_ref: str = Field(sa_type=String(128))
    token_hash: str = Field(sa_type=String(64), unique=True)
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class WebSessionRow(Base, table=True):
    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_expires_at", "expires_at"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    user_ref: str = Field(sa_type=String(128))
    token_hash: str = Field(sa_type=String(64), unique=True)
    csrf: str = Field(sa_type=String(64))
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


# --- goals, A/B tests and retrospectives (issue 13) ----------------------------------------------------------
class GoalRow(Base, table=True):
    __tablename__ = "goals"
    __table_args__ = (Index("ix_goals_workspace", "workspace_id"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    name: str = Field(sa_type=String(200))
    metric: str = Field(sa_type=String(16))
    target: str = Field(sa_type=String(40))  # str(Decimal): a ratio target (ROI 3.25) kept exactly
    period: str = Field(sa_type=String(16))  # 2027, 2027-Q1, 2027-03
    channel: str = Field(default="", sa_type=String(64))
    parent_id: int | None = Field(default=None, foreign_key="goals.id")
    owner: str = Field(sa_type=String(128))
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    campaigns: list[int] = Field(default_factory=list, sa_type=JSON, nullable=False)  # linked campaign ids
    version: int = 0


class ExperimentRow(Base, table=True):
    __tablename__ = "experiments"
    __table_args__ = (Index("ix_experiments_campaign", "campaign_id"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    campaign_id: int = Field(foreign_key="campaigns.id")
    name: str = Field(sa_type=String(200))
    variants: list[str] = Field(sa_type=JSON, nullable=False)  # the first is the control
    metric: str = Field(sa_type=String(8))
    min_sample: int = Field(sa_type=BigInteger, nullable=False)
    created_by: str = Field(sa_type=String(128))
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    status: str = Field(sa_type=String(16))
    winner: str | None = Field(default=None, sa_type=String(32))
    decided_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    decision: dict[str, str] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    version: int = 0


class VariantMetricRow(Base, table=True):
    __tablename__ = "variant_metrics"
    # One row per test, variant, day and channel; also the lookup index for a test's rows.
    __table_args__ = (UniqueConstraint("experiment_id", "variant", "day", "channel"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    campaign_id: int = Field(foreign_key="campaigns.id")
    experiment_id: int = Field(foreign_key="experiments.id")
    variant: str = Field(sa_type=String(32))
    day: date
    channel: str = Field(default="", sa_type=String(64))
    spend: Decimal = Field(sa_type=Amount, nullable=False)
    impressions: int = Field(sa_type=BigInteger, nullable=False)
    clicks: int = Field(sa_type=BigInteger, nullable=False)
    conversions: int = Field(sa_type=BigInteger, nullable=False)
    revenue: Decimal = Field(sa_type=Amount, nullable=False)


class RetroNoteRow(Base, table=True):
    __tablename__ = "retro_notes"
    __table_args__ = (Index("ix_retro_notes_campaign", "campaign_id"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id")
    campaign_id: int = Field(foreign_key="campaigns.id")
    author: str = Field(sa_type=String(128))
    at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    text: str = Field(sa_type=Text)


# --- inbound chat requests -------------------------------------------------------------------------------------
class InboxRow(Base, table=True):
    """A chat request acknowledged and not yet worked: written before the acknowledgement, so a process that dies
    leaves it for another to run. `key` is the platform's id of the request (a retry or a second replica finds it
    taken); `id` is the request id the logs and the command's outbox rows carry. A pending row whose lease has run
    out belongs to nobody and is claimed by a live process; the command's own transaction marks it done."""

    __tablename__ = "inbox"
    __table_args__ = (partial("ix_inbox_pending", "lease_until", where=PENDING_DELIVERY),)

    id: str = Field(sa_type=String(32), primary_key=True)
    key: str = Field(sa_type=String(255), unique=True)
    platform: str = Field(sa_type=String(16))
    kind: str = Field(sa_type=String(32))
    payload: dict[str, Any] = Field(sa_type=JSON, nullable=False)
    status: str = Field(sa_type=String(16))  # pending | done
    attempts: int = 0
    lease_owner: str | None = Field(default=None, sa_type=String(128))
    lease_until: datetime = Field(sa_type=UtcDateTime, nullable=False)
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    done_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)


# --- installations: Slack OAuth, Feishu store apps -----------------------------------------------------------------
class InstallationRow(Base, table=True):
    """One team's (tenant's) installation of MEMS; revoked rows stay, so the workspace's data and why it stopped do."""

    __tablename__ = "installations"
    __table_args__ = (UniqueConstraint("platform", "workspace"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(sa_type=String(16))
    workspace: str = Field(sa_type=String(255))
    name: str = Field(default="", sa_type=String(200))
    enterprise: str | None = Field(default=None, sa_type=String(255))
    app_id: str = Field(default="", sa_type=String(64))
    bot_token: str = Field(sa_type=Text)
    bot_user: str = Field(default="", sa_type=String(64))
    bot_id: str = Field(default="", sa_type=String(64))
    installer: str = Field(default="", sa_type=String(128))
    scopes: str = Field(default="", sa_type=Text)
    refresh_token: str | None = Field(default=None, sa_type=Text)
    expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    installed_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    revoked: str | None = Field(default=None, sa_type=String(64))
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class OAuthStateRow(Base, table=True):
    """An OAuth `state` handed to an installer's browser, used up once by the redirect."""

    __tablename__ = "oauth_states"

    state: str = Field(sa_type=String(128), primary_key=True)
    expires_at: datetime = Field(sa_type=UtcDateTime, nullable=False)


class PlatformValueRow(Base, table=True):
    """A value a platform pushes and every replica needs (Feishu's app_ticket for a store app)."""

    __tablename__ = "platform_values"

    platform: str = Field(sa_type=String(16), primary_key=True)
    name: str = Field(sa_type=String(64), primary_key=True)
    value: str = Field(sa_type=Text)
    updated_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
