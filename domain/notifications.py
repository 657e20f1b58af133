"""Alerts and notifications: their kinds, natural keys, targets and delivery state (the outbox rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class AlertKind(StrEnum):
    DEADLINE_SOON = "deadline.soon"
    DEADLINE_OVERDUE = "deadline.overdue"
    DEADLINE_ESCALATE = "deadline.escalate"
    APPROVAL_PENDING = "approval.pending"
    APPROVAL_REMINDER = "approval.reminder"
    APPROVAL_DECIDED = "approval.decided"
    APPROVAL_COPY = "approval.copy"  # a read-only copy for someone copied in (cc)
    APPROVAL_URGED = "approval.urged"
    BUDGET_THRESHOLD = "budget.threshold"
    ANOMALY = "anomaly"
    DIGEST = "digest"
    # goals, A/B tests and retrospectives (issue 13): to the home channel or the goal's owner, not subscribed to
    TEST_DECIDED = "test.decided"
    GOAL_OFF_TRACK = "goal.off_track"
    RETRO = "retro"
    # Not alerts a channel subscribes to: messages caused by a person's action.
    CARD_UPDATE = "card.update"
    NOTICE = "notice"

    @property
    def family(self) -> str:
        """What a channel subscribes to: deadline.overdue is of the `deadline` family."""
        return self.value.split(".", 1)[0]


# The alerts a task's due date makes: wrong once the date moves, the task is deleted or its campaign closes.
DEADLINE_KINDS = (AlertKind.DEADLINE_SOON, AlertKind.DEADLINE_OVERDUE, AlertKind.DEADLINE_ESCALATE)


# The subscription families of `subscribe alerts=...`.
FAMILIES = ("deadline", "approval", "budget", "anomaly", "digest")


class TargetKind(StrEnum):
    CHANNEL = "channel"
    USER = "user"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"
    DROPPED = "dropped"  # never sent: a change made it wrong before it went out (a deadline moved, a task deleted)


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    ref: str

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.ref}"


@dataclass(slots=True)
class OutboxMessage:
    """One message to deliver, written in the same transaction as the change that caused it."""

    key: str  # natural key, unique in storage: e.g. deadline.overdue:T-7:2026-12-05:channel:C1
    kind: AlertKind
    workspace_id: int
    target: Target
    payload: dict[str, Any]  # a serialised neutral Card
    created_at: datetime
    not_before: datetime
    entity: str | None = None  # C-1 / T-3 / A-2: which card copies this message belongs to
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None
    id: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    request_id: str | None = None  # the request (a command, a scan) that wrote it, as its log lines carry it


def key(kind: AlertKind, entity: str, period: str, target: Target) -> str:
    """The natural key: one message per kind, entity, period and recipient."""
    return f"{kind}:{entity}:{period}:{target}"


def period_of(message: OutboxMessage) -> str:
    """The period part of a message's natural key (a deadline alert's: the task's due day)."""
    parts = message.key.split(":", 3)
    return parts[2] if len(parts) > 2 else ""


@dataclass(frozen=True, slots=True)
class Subscription:
    workspace_id: int
    channel_ref: str
    campaign_id: int | None  # None: every campaign of the workspace
    kinds: frozenset[str]

    def wants(self, kind: AlertKind, campaign_id: int | None) -> bool:
        scope_ok = self.campaign_id is None or self.campaign_id == campaign_id
        return scope_ok and kind.family in self.kinds
