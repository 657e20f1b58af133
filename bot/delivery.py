"""The delivery worker: claims due outbox rows under a lease, sends or updates cards through the platform
gateway, records where each copy landed, and retries with back-off until a dead-letter state."""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Mapping
from datetime import timedelta

from bot.cards import Card
from bot.ports import ChatGateway, DeliveryError, OutboxStore
from domain.notifications import AlertKind, OutboxMessage
from domain.people import Platform, Workspace
from domain.ports import Clock

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
BASE_BACKOFF = 5.0
MAX_BACKOFF = 3600.0


def backoff(attempts: int, rng: random.Random | None = None) -> float:
    """Exponential back-off with full jitter: up to 5 s, 10 s, 20 s ... capped at an hour."""
    ceiling = min(BASE_BACKOFF * (2 ** attempts), MAX_BACKOFF)
    return (rng or random).uniform(ceiling / 2, ceiling)


class Delivery:
    def __init__(self, store: OutboxStore, gateways: Mapping[Platform, ChatGateway], clock: Clock,
                 owner: str | None = None, batch: int = 50, lease_seconds: float = 60.0,
                 max_attempts: int = MAX_ATTEMPTS) -> None:
        self.store = store
        self.gateways = gateways
        self.clock = clock
        self.owner = owner or uuid.uuid4().hex[:12]
        self.batch = batch
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts

    async def drain(self, rounds: int = 20) -> int:
        """Deliver everything due now; returns how many messages went out."""
        delivered = 0
        for _ in range(rounds):
            claimed = await asyncio.to_thread(self.store.claim, self.clock.now(), self.batch, self.lease_seconds,
                                              self.owner)
            if not claimed:
                break
            for message in claimed:
                delivered += await self.deliver(message)
        return delivered

    async def deliver(self, message: OutboxMessage) -> int:
        assert message.id is not None
        workspace = await asyncio.to_thread(self.store.workspace, message.workspace_id)
        gateway = self.gateways.get(workspace.platform) if workspace else None
        try:
            if workspace is None or gateway is None:
                raise DeliveryError(f"no gateway for {workspace.platform.value if workspace else 'workspace'}")
            await self._send(message, workspace, gateway)
        except DeliveryError as exc:
            await asyncio.to_thread(self._failed, message, exc)
            return 0
        except Exception as exc:  # a bug or an unexpected reply: keep the row, try again later
            log.exception("delivery of %s failed", message.key)
            await asyncio.to_thread(self._failed, message, DeliveryError(type(exc).__name__))
            return 0
        await asyncio.to_thread(self.store.mark_sent, message.id, self.clock.now())
        return 1

    async def _send(self, message: OutboxMessage, workspace: Workspace, gateway: ChatGateway) -> None:
        card = Card.from_dict(message.payload)
        if message.kind == AlertKind.CARD_UPDATE.value:
            for copy in await asyncio.to_thread(self.store.copies, message.entity or ""):
                await gateway.update(workspace, copy.channel, copy.message_ref, card)
            return
        sent = await gateway.send(workspace, message.target, card, message.key)
        if message.entity:
            await asyncio.to_thread(self.store.record_copy, message.workspace_id, message.entity, sent)

    def _failed(self, message: OutboxMessage, exc: DeliveryError) -> None:
        assert message.id is not None
        now = self.clock.now()
        attempts = message.attempts + 1
        if exc.permanent or attempts >= self.max_attempts:
            log.warning("outbox %s is dead after %d attempt(s): %s", message.key, attempts, exc.reason)
            self.store.mark_dead(message.id, now, exc.hint or exc.reason)
            return
        wait = exc.retry_after if exc.retry_after is not None else backoff(attempts)
        self.store.mark_retry(message.id, now + timedelta(seconds=wait), exc.reason)


