"""The delivery worker: claims due outbox rows under a lease, folds a burst for one recipient into one
message, waits for the platform's rate buckets, sends or updates cards through the platform gateway, and
retries (Retry-After honoured, back-off with jitter) until a dead-letter state."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.cards import Card
from bot.inprocess.ratelimit import MemoryRateLimiter
from bot.ports import ChatGateway, DeliveryError, Limit, OutboxStore, RateLimiter
from bot.presenters.alerts import folded_card
from domain.notifications import AlertKind, OutboxMessage
from domain.people import Platform, Workspace
from domain.ports import Clock

log = logging.getLogger(__name__)


class _LeaseSpent(Exception):
    """Waiting for a free sender took too long: the row goes back rather than risk a second worker's copy."""


MAX_ATTEMPTS = 8
BASE_BACKOFF = 5.0
MAX_BACKOFF = 3600.0
SHORT_WAIT = 10.0  # a throttle or back-off at most this long is waited out within the run
NO_GATEWAY_WAIT = 300.0
LEASE_USE = 0.75  # finish with a row well before its lease runs out, so no other worker takes it meanwhile
# Alerts that may share one card when several wait for the same recipient (their buttons become the commands
# the folded card names). Approval cards are never folded: each keeps its Approve / Reject and its own copy.
FOLDABLE = frozenset({AlertKind.DEADLINE_SOON, AlertKind.DEADLINE_OVERDUE, AlertKind.DEADLINE_ESCALATE,
                      AlertKind.BUDGET_THRESHOLD})


def backoff(attempts: int, base: float = BASE_BACKOFF, rng: random.Random | None = None) -> float:
    """Exponential back-off with jitter: the n-th failure waits between half and all of base·2^(n-1)."""
    ceiling = min(base * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)
    return (rng or random).uniform(ceiling / 2, ceiling)


def foldable(message: OutboxMessage) -> bool:
    return message.kind in FOLDABLE


@dataclass
class Group:
    """What goes out as one message: a single row, or a burst of foldable rows for one recipient."""

    messages: list[OutboxMessage]
    workspace: Workspace | None
    gateway: ChatGateway | None
    limits: tuple[Limit, ...]

    @property
    def ids(self) -> list[int]:
        return [m.id for m in self.messages if m.id is not None]


class Delivery:
    def __init__(self, store: OutboxStore, gateways: Mapping[Platform, ChatGateway], clock: Clock,
                 owner: str | None = None, batch: int = 100, lease_seconds: float = 60.0,
                 max_attempts: int = MAX_ATTEMPTS, limiter: RateLimiter | None = None, concurrency: int = 16,
                 base_backoff: float = BASE_BACKOFF, fold_at: int = 2,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.store = store
        self.gateways = gateways
        self.clock = clock
        self.owner = owner or uuid.uuid4().hex[:12]
        self.batch = batch
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.limiter: RateLimiter = limiter or MemoryRateLimiter()
        self.concurrency = concurrency
        self.base_backoff = base_backoff
        self.fold_at = fold_at
        self.sleep = sleep
        self.stats: Counter[str] = Counter()

    async def drain(self, limit: int | None = None) -> int:
        """Deliver everything due now, keeping up to a window of messages in flight; returns how many rows
        were delivered. Rows that must wait longer than SHORT_WAIT are left for the next run."""
        self.stats = Counter()
        sending = asyncio.Semaphore(self.concurrency)
        window = max(self.batch * 2, self.concurrency)
        running: set[asyncio.Task[int]] = set()
        delivered, claimed_total, exhausted = 0, 0, False
        workspaces: dict[int, Workspace | None] = {}
        while True:
            room = window - len(running)
            if not exhausted and room > 0 and (limit is None or claimed_total < limit):
                claimed = await asyncio.to_thread(self.store.claim, self.clock.now(), min(self.batch, room),
                                                  self.lease_seconds, self.owner)
                claimed_total += len(claimed)
                exhausted = not claimed
                deadline = asyncio.get_running_loop().time() + self.lease_seconds * LEASE_USE
                for group in await self._groups(claimed, workspaces):
                    running.add(asyncio.create_task(self._deliver(group, deadline, sending)))
                if claimed and len(running) < window:
                    continue
            if not running:
                return delivered
            done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            delivered += sum(task.result() for task in done)
            exhausted = False  # something finished: there may be room, and rows may have come due

    async def _groups(self, claimed: Sequence[OutboxMessage],
                      workspaces: dict[int, Workspace | None]) -> list[Group]:
        bursts: dict[tuple[int, str], list[OutboxMessage]] = {}
        singles: list[list[OutboxMessage]] = []
        for message in claimed:
            if foldable(message):
                bursts.setdefault((message.workspace_id, str(message.target)), []).append(message)
            else:
                singles.append([message])
        for burst in bursts.values():
            singles.extend([burst] if len(burst) >= self.fold_at else [[m] for m in burst])
        groups = []
        for messages in singles:
            lead = messages[0]
            if lead.workspace_id not in workspaces:
                workspaces[lead.workspace_id] = await asyncio.to_thread(self.store.workspace, lead.workspace_id)
            workspace = workspaces[lead.workspace_id]
            gateway = self.gateways.get(workspace.platform) if workspace else None
            limits = (gateway.limits(workspace, lead.target)
                      if gateway and workspace and lead.kind != AlertKind.CARD_UPDATE else ())
            groups.append(Group(messages, workspace, gateway, limits))
        return groups

    async def _deliver(self, group: Group, deadline: float, sending: asyncio.Semaphore) -> int:
        loop = asyncio.get_running_loop()
        attempts = max(m.attempts for m in group.messages)
        while True:
            slot = self.limiter.reserve(group.limits, min(SHORT_WAIT, deadline - loop.time()))
            if not slot.granted:
                await self._each(group, self.store.defer, self.clock.now() + timedelta(seconds=slot.wait))
                self.stats["deferred"] += len(group.messages)
                return 0
            await self.sleep(slot.wait)
            try:
                error = await self._attempt(group, sending, deadline)
            except _LeaseSpent:
                await self._each(group, self.store.defer, self.clock.now())
                self.stats["deferred"] += len(group.messages)
                return 0
            if error is None:
                self.stats["sent"] += len(group.messages)
                self.stats["messages"] += 1
                return len(group.messages)
            attempts += 1
            wait = error.retry_after if error.retry_after is not None else backoff(attempts, self.base_backoff)
            if error.permanent or attempts >= self.max_attempts:
                log.warning("outbox %s is dead after %d attempt(s): %s", group.messages[0].key, attempts,
                            error.reason)
                await self._each(group, self.store.mark_dead, self.clock.now(), error.hint or error.reason)
                self.stats["dead"] += len(group.messages)
                return 0
            if error.retry_after is not None:
                # The whole channel waits, not just this message; the app-wide bucket is not held, so one
                # throttled chat does not stop the others (an app-level limit throttles each of them anyway).
                self.limiter.hold(group.limits[:1], wait)
            if wait > SHORT_WAIT or loop.time() + wait >= deadline:
                await self._each(group, self.store.mark_retry, self.clock.now() + timedelta(seconds=wait),
                                 error.reason)
                self.stats["retry"] += len(group.messages)
                return 0
            await self._each(group, self.store.note_failure, error.reason)
            self.stats["retried_in_run"] += 1
            await self.sleep(wait)

    async def _attempt(self, group: Group, sending: asyncio.Semaphore, deadline: float) -> DeliveryError | None:
        try:
            if group.workspace is None or group.gateway is None:
                where = group.workspace.platform.value if group.workspace else "a missing workspace"
                raise DeliveryError(f"no gateway for {where}", retry_after=NO_GATEWAY_WAIT)
            async with sending:
                if asyncio.get_running_loop().time() >= deadline:
                    raise _LeaseSpent
                await self._send(group, group.workspace, group.gateway)
                # Marked before the slot is released: a crash can repeat only the sends in flight.
                await asyncio.to_thread(self.store.mark_sent_many, group.ids, self.clock.now())
        except DeliveryError as exc:
            return exc
        except _LeaseSpent:
            raise
        except Exception as exc:  # a bug or an unexpected reply: keep the rows, try again later
            log.exception("delivery of %s failed", group.messages[0].key)
            return DeliveryError(type(exc).__name__)
        return None

    async def _send(self, group: Group, workspace: Workspace, gateway: ChatGateway) -> None:
        message = group.messages[0]
        if message.kind == AlertKind.CARD_UPDATE:
            translations = message.payload.get("translations") or {}
            for copy in await asyncio.to_thread(self.store.copies, message.entity or ""):
                payload = translations.get(copy.lang) or message.payload
                await gateway.update(workspace, copy.channel, copy.message_ref, Card.from_dict(payload))
            return
        if len(group.messages) > 1:
            lang = str(message.payload.get("lang") or workspace.lang)
            card = folded_card([Card.from_dict(m.payload) for m in group.messages], lang)
            keys = "\n".join(sorted(m.key for m in group.messages))
            await gateway.send(workspace, message.target, card, "fold:" + hashlib.sha1(keys.encode()).hexdigest())
            return
        sent = await gateway.send(workspace, message.target, Card.from_dict(message.payload), message.key)
        if message.entity:
            await asyncio.to_thread(self.store.record_copy, message.workspace_id, message.entity, sent,
                                    message.payload.get("lang"))

    async def _each(self, group: Group, settle: Callable[..., None], *args: object) -> None:
        def run() -> None:
            for message_id in group.ids:
                settle(message_id, *args)
        await asyncio.to_thread(run)
