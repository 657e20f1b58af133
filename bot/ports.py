"""What the application needs from adapters beyond the unit of work: chat gateways and the outbox store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.cards import Card
from domain.notifications import OutboxMessage, Target
from domain.people import Platform, Workspace


class DeliveryError(Exception):
    """A send that failed. `retry_after` when the platform said how long to wait; `permanent` when a retry
    cannot help (the bot is not in the channel, a revoked token); `hint` is one sentence for a human."""

    def __init__(self, reason: str, retry_after: float | None = None, permanent: bool = False,
                 hint: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Sent:
    channel: str  # where the message landed (a DM channel for a user target)
    message_ref: str  # Slack ts, Feishu message_id


class ChatGateway(Protocol):
    platform: Platform

    async def send(self, workspace: Workspace, target: Target, card: Card, idempotency_key: str) -> Sent: ...

    async def update(self, workspace: Workspace, channel: str, message_ref: str, card: Card) -> None: ...


@dataclass(frozen=True, slots=True)
class Copy:
    channel: str
    message_ref: str


class OutboxStore(Protocol):
    """Delivery-side access to the outbox: claim due rows under a lease, record outcomes and card copies."""

    def claim(self, now: datetime, limit: int, lease_seconds: float, owner: str) -> Sequence[OutboxMessage]: ...
    def mark_sent(self, message_id: int, at: datetime) -> None: ...
    def mark_retry(self, message_id: int, next_at: datetime, error: str) -> None: ...
    def mark_dead(self, message_id: int, at: datetime, error: str) -> None: ...
    def record_copy(self, workspace_id: int, entity: str, sent: Sent) -> None: ...
    def copies(self, entity: str) -> Sequence[Copy]: ...
    def workspace(self, workspace_id: int) -> Workspace | None: ...


class Deduper(Protocol):
    """Remembers keys for a while: `first` is True only for the first caller of a key within its TTL,
    atomically, so a retried delivery or a double click acts once."""

    def first(self, key: str, ttl_seconds: int) -> bool: ...
