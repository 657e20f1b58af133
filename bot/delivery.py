"""The delivery worker: claims due outbox rows in batches, fair across recipients, under short leases (renewed while
it lives, so a dead worker's rows come back within seconds), folds a burst for one recipient into one message, paces
each send by the platform's rate buckets at the moment it leaves, records the platform's answer before anything else
(a row whose send succeeded is never sent again), and retries failures with back-off until a dead-letter state. A 429
waits as told and is not an attempt. `stop()` finishes what is in flight and gives back the rest."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import random
import socket
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot import actions, logs
from bot.cards import Card
from bot.delivery_leases import Leases
from bot.delivery_pacing import SHORT_WAIT, GiveBack, Pacer
from bot.delivery_summary import Summary
from bot.inprocess.ratelimit import MemoryRateLimiter
from bot.observe import NO_RECORDER, Recorder
from bot.ports import ChatGateway, Copy, DeliveryError, Limit, NewCopy, OutboxStore, RateLimiter, Sent
from bot.presenters.alerts import folded_card
from domain.notifications import AlertKind, OutboxMessage
from domain.people import Platform, Workspace
from domain.ports import Clock

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF = 5.0
MAX_BACKOFF = 3600.0
NO_GATEWAY_WAIT = 300.0
BATCH = 50  # a burst of foldable alerts for one recipient folds within one claim
# A recipient's rows leased at once, by every worker together: ten seconds of Slack's one a second, so its lane stays
# busy between claims, while the rest of the window goes to the other recipients (fair; the emptiest lanes first).
LANE_DEPTH = 10
REFILL = 4  # claim once a quarter of the window is free (not after every send): fewer, larger claims
LEASE_SECONDS = 6.0
RECORD_PAUSE_MAX = 2.0
# Alerts that may share one card when several wait for the same recipient (their buttons become the commands
# the folded card names). Approval cards are never folded: each keeps its Approve / Reject and its own copy.
FOLDABLE = frozenset({AlertKind.DEADLINE_SOON, AlertKind.DEADLINE_OVERDUE, AlertKind.DEADLINE_ESCALATE,
                      AlertKind.BUDGET_THRESHOLD})
FOLDS = frozenset(kind.value for kind in FOLDABLE)


class _NoGateway(DeliveryError):
    """No gateway for the workspace's platform: counted as an attempt, retried slowly."""


def backoff(attempts: int, base: float = BASE_BACKOFF, rng: random.Random | None = None) -> float:
    """Exponential back-off with jitter: the n-th failure waits between half and all of base·2^(n-1)."""
    ceiling = min(base * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)
    return (rng or random).uniform(ceiling / 2, ceiling)


def foldable(message: OutboxMessage) -> bool:
    return message.kind in FOLDABLE


def updated(payload: dict[str, Any], copy: Copy) -> Card:
    """The card a copy becomes, in the language it was sent in: one whose buttons still act on the turn that waits
    keeps live buttons (`keep`), every other copy gets the card without them."""
    keep = payload.get("keep")
    source: dict[str, Any] = keep if keep and copy.turn and copy.turn == keep.get("turn") else payload
    translated: dict[str, Any] | None = (source.get("translations") or {}).get(copy.lang)
    return Card.from_dict(translated or source)


@dataclass
class Group:
    """What goes out as one message: a single row, or a burst of foldable rows for one recipient."""

    messages: list[OutboxMessage]
    workspace: Workspace | None
    gateway: ChatGateway | None
    limits: tuple[Limit, ...]
    claimed_at: float = 0.0  # loop time just before the claim that leased it

    @property
    def ids(self) -> list[int]:
        return [m.id for m in self.messages if m.id is not None]


class Delivery:
    def __init__(self, store: OutboxStore, gateways: Mapping[Platform, ChatGateway], clock: Clock,
                 owner: str | None = None, batch: int = BATCH, lease_seconds: float = LEASE_SECONDS,
                 max_attempts: int = MAX_ATTEMPTS, limiter: RateLimiter | None = None, concurrency: int = 16,
                 base_backoff: float = BASE_BACKOFF, fold_at: int = 2, lane_depth: int = LANE_DEPTH,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, recorder: Recorder = NO_RECORDER) -> None:
        self.store = store
        self.recorder = recorder
        self.gateways = gateways
        self.clock = clock  # the real time: leases, back-off and rate limits never run on a shifted clock
        # host:pid:random, so an operator (and a test) can tell whose lease a row is under
        self.owner = owner or f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.batch = batch
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.limiter: RateLimiter = limiter or MemoryRateLimiter()
        self.concurrency = concurrency
        self.base_backoff = base_backoff
        self.fold_at = fold_at
        self.lane_depth = lane_depth
        self.sleep = sleep
        self.due_by: datetime | None = None  # `mems tick --at`: alerts held until then count as due
        self.stats: Counter[str] = Counter()
        self.summary = Summary()  # the INFO lines: a count a minute and at the end of a run, not a line a message
        self.stopping = False
        self.leases = Leases(store, clock, self.owner, lease_seconds, self._share)
        self._stopped: asyncio.Event | None = None

    def stop(self) -> None:
        """Claim nothing more; sends in flight finish and are recorded, everything else is given back (call it on
        the loop that drains)."""
        self.stopping = True
        if self._stopped is not None:
            self._stopped.set()

    def _share(self, workers: int) -> None:
        self.limiter.share(workers)  # the limiter as it is now (tests swap it)

    def leave(self) -> None:
        """This worker is gone: it no longer takes a share of the rate buckets."""
        self.leases.leave()

    async def drain(self, limit: int | None = None) -> int:
        """Deliver everything due now, keeping up to a window of messages in flight; returns how many rows
        were delivered. A recipient's rows are claimed as its lane frees (LANE_DEPTH at a time), so a busy channel
        keeps the run going at its own pace; a row that would still wait longer than SHORT_WAIT once claimed (a deep
        lane, a long Retry-After) is left for the next run."""
        self.stats = Counter()
        self._stopped = asyncio.Event()
        if self.stopping:
            self._stopped.set()
        pacer = Pacer(self.limiter, asyncio.Semaphore(self.concurrency), self._pause)
        window = max(self.batch * 2, self.concurrency)
        refill = max(window // REFILL, 1)
        running: set[asyncio.Task[int]] = set()
        delivered, claimed_total, exhausted = 0, 0, False
        workspaces: dict[int, Workspace | None] = {}
        claimed_ids: set[int] = set()
        await self.leases.beat()
        keeper = asyncio.create_task(self.leases.keep())
        try:
            while True:
                room = window - len(running)
                if not (exhausted or self.stopping) and room >= refill and (limit is None or claimed_total < limit):
                    asked = min(self.batch, room)
                    groups = await self._claim(asked, workspaces)
                    claimed_ids.update(i for g in groups for i in g.ids)
                    rows = sum(len(g.messages) for g in groups)
                    claimed_total += rows
                    exhausted = rows < asked  # all that is due now (or all a recipient may hold) is claimed
                    running |= {asyncio.create_task(self._deliver(g, pacer)) for g in groups}
                    if groups and len(running) < window:
                        continue
                if not running:
                    return delivered
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                delivered += sum(task.result() for task in done)
                exhausted = False  # something finished: there may be room, and rows may have come due
        finally:
            self.summary.flush()
            keeper.cancel()
            for task in running:  # only when the drain itself is cancelled: a forced stop
                task.cancel()
            await self.leases.release(claimed_ids)  # anything this drain still holds (a forced stop) goes back now

    async def _claim(self, limit: int, workspaces: dict[int, Workspace | None]) -> list[Group]:
        started = asyncio.get_running_loop().time()
        try:
            claimed = await asyncio.to_thread(self.store.claim, self.clock.now(), limit, self.lease_seconds,
                                              self.owner, self.due_by, self.lane_depth, FOLDS)
        except Exception as exc:  # the database is away: what is in flight goes on; the next run claims again
            log.warning("delivery could not claim rows (%s); trying again shortly", type(exc).__name__)
            return []
        ids = [m.id for m in claimed if m.id is not None]
        self.leases.hold(ids)
        try:
            return await self._groups(claimed, workspaces, started)
        except Exception as exc:
            log.warning("delivery could not prepare %d rows (%s); giving them back", len(ids), type(exc).__name__)
            await self.leases.release(ids)
            return []

    async def _groups(self, claimed: Sequence[OutboxMessage], workspaces: dict[int, Workspace | None],
                      started: float) -> list[Group]:
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
            groups.append(Group(messages, workspace, gateway, limits, started))
        return groups

    def lease_left(self, group: Group) -> float:
        return self.leases.left(group.claimed_at)

    async def _deliver(self, group: Group, pacer: Pacer) -> int:
        try:  # its own task: the lines it logs carry the id of the request that wrote the (first) row
            with logs.bound(group.messages[0].request_id):
                return await self._settle(group, pacer)
        finally:
            self.leases.drop(group.ids)  # settled, or its lease runs out on its own: no longer renewed

    async def _settle(self, group: Group, pacer: Pacer) -> int:
        attempts = max(m.attempts for m in group.messages)
        count = len(group.messages)
        while True:
            try:
                error = await self._attempt(group, pacer)
            except GiveBack as back:
                await self._each(group, self.store.defer, self.clock.now() + timedelta(seconds=back.wait), None)
                self._count(group, "deferred", count)
                return 0
            if error is None:
                self._count(group, "sent", count)
                self.stats["messages"] += 1
                return count
            if error.retry_after is not None and not isinstance(error, _NoGateway):
                if not await self._throttled(group, error):
                    return 0
                continue
            attempts += 1
            wait = error.retry_after if error.retry_after is not None else backoff(attempts, self.base_backoff)
            if error.permanent or attempts >= self.max_attempts:
                log.warning("outbox %s is dead after %d attempt(s): %s", group.messages[0].key, attempts,
                            error.reason)
                await self._each(group, self.store.mark_dead, self.clock.now(), error.hint or error.reason)
                self._count(group, "dead", count)
                return 0
            log.warning("outbox %s failed (attempt %d of %d): %s; trying again in %.0f s", group.messages[0].key,
                        attempts, self.max_attempts, error.reason, wait)
            if not self._may_wait(group, wait):
                await self._each(group, self.store.mark_retry, self.clock.now() + timedelta(seconds=wait),
                                 error.reason)
                self._count(group, "retry", count)
                return 0
            await self._each(group, self.store.note_failure, error.reason)
            self._count(group, "retried_in_run", 1)
            await self._pause(wait)

    async def _throttled(self, group: Group, error: DeliveryError) -> bool:
        """The platform said "wait": the whole channel waits (not the app-wide bucket, so one throttled chat does
        not stop the others), and this is not an attempt. True when the wait is short enough to wait out here."""
        wait = float(error.retry_after or 0.0)
        self._count(group, "throttled", 1)
        if group.limits:
            await asyncio.to_thread(self.limiter.hold, group.limits[:1], wait)
        if self._may_wait(group, wait):
            await self._pause(wait)
            return True
        await self._each(group, self.store.defer, self.clock.now() + timedelta(seconds=wait), error.reason)
        self._count(group, "deferred", len(group.messages))
        return False

    def _count(self, group: Group, outcome: str, count: int) -> None:
        self.stats[outcome] += count
        platform = group.workspace.platform if group.workspace else group.gateway.platform if group.gateway else None
        name = platform.value if platform else "unknown"
        self.recorder.delivery(name, outcome, count)
        self.summary.count(name, outcome, count, messages=int(outcome == "sent"))
        if outcome == "sent":
            log.debug("outbox %s sent on %s (%d row(s))", group.messages[0].key, name, count)

    def _may_wait(self, group: Group, wait: float) -> bool:
        """Wait here rather than give the rows back: the lease is renewed meanwhile, and checked again before
        the next send."""
        return not self.stopping and wait <= SHORT_WAIT

    async def _attempt(self, group: Group, pacer: Pacer) -> DeliveryError | None:
        workspace, gateway = group.workspace, group.gateway
        if workspace is None or gateway is None:
            where = workspace.platform.value if workspace else "a missing workspace"
            return _NoGateway(f"no gateway for {where}", retry_after=NO_GATEWAY_WAIT)

        async def send() -> Sent | DeliveryError | None:
            try:
                sent = await self._send(group, workspace, gateway)
            except DeliveryError as exc:
                return exc
            except Exception as exc:  # a bug or an unexpected reply: keep the rows, try again later
                log.exception("delivery of %s failed", group.messages[0].key)
                return DeliveryError(type(exc).__name__)
            finally:
                await pacer.answered(group.limits)
            # Recorded while the send still holds its slot: a send is in flight until the database knows it went,
            # so a killed worker repeats at most `concurrency` sends (a finished but unrecorded send included).
            await self._record(group, sent)
            return sent

        answer = await pacer.send(group.limits, send, lambda: self.lease_left(group), lambda: self.stopping)
        return answer if isinstance(answer, DeliveryError) else None

    async def _record(self, group: Group, sent: Sent | None) -> None:
        """The platform took the message: say so in the database before anything else, in one short transaction,
        retried until it goes through. Nothing here may turn a successful send into a failure and a re-send."""
        lead = group.messages[0]
        copy = None
        if sent is not None and lead.entity:
            lang = lead.payload.get("lang")
            copy = NewCopy(lead.workspace_id, lead.entity, sent, str(lang) if lang else None,
                           actions.turn_of(lead.payload))
        pause = 0.05
        while True:
            try:
                await asyncio.to_thread(self.store.mark_sent_many, group.ids, self.clock.now(), copy)
                return
            except Exception as exc:
                self.stats["record_retries"] += 1
                if self.stats["record_retries"] == 1:
                    log.warning("recording a sent message failed (%s); retrying, it is not sent again",
                                type(exc).__name__)
                await asyncio.sleep(pause)
                pause = min(pause * 2, RECORD_PAUSE_MAX)

    async def _send(self, group: Group, workspace: Workspace, gateway: ChatGateway) -> Sent | None:
        """Send or update; the answer says where a single card landed (None for updates and folded cards)."""
        message = group.messages[0]
        if message.kind == AlertKind.CARD_UPDATE:
            for copy in await asyncio.to_thread(self.store.copies, message.entity or ""):
                await gateway.update(workspace, copy.channel, copy.message_ref, updated(message.payload, copy))
            return None
        if len(group.messages) > 1:
            lang = str(message.payload.get("lang") or workspace.lang)
            card = folded_card([Card.from_dict(m.payload) for m in group.messages], lang)
            keys = "\n".join(sorted(m.key for m in group.messages))
            await gateway.send(workspace, message.target, card, "fold:" + hashlib.sha1(keys.encode()).hexdigest())
            return None
        return await gateway.send(workspace, message.target, Card.from_dict(message.payload), message.key)

    async def _each(self, group: Group, settle: Callable[..., None], *args: object) -> None:
        """Settle each row of the group; a database error is retried a few times, then the lease runs out and the
        row comes back on its own (nothing was sent, so nothing can be sent twice)."""
        def run() -> None:
            for message_id in group.ids:
                settle(message_id, *args)
        for attempt in range(1, 4):
            try:
                await asyncio.to_thread(run)
                return
            except Exception as exc:
                if attempt == 3:
                    log.warning("could not settle outbox %s (%s); its lease will run out", group.ids, exc)
                    return
                await asyncio.sleep(0.1 * attempt)

    async def _pause(self, seconds: float) -> None:
        """Sleep, unless the worker stops meanwhile."""
        if seconds <= 0 or self.stopping:
            return
        if self._stopped is None:
            await self.sleep(seconds)
            return
        sleeper = asyncio.ensure_future(self.sleep(seconds))
        waker = asyncio.ensure_future(self._stopped.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()
