"""Acknowledge first: a chat request is written to the inbox (durable, in the same database) before the platform
gets its acknowledgement, then worked from a bounded queue, so the acknowledgement never waits for command work.
When the queue is full the asker is told at once to try again (nothing is taken that will not be worked). A process
that dies leaves its requests under a lease that runs out; a live process takes them over and runs each once: the
command's own transaction marks its request done (`Bus.before_commit`), so a request whose command committed is
never run again.

Where the work runs is the inbox's `Role`: `BOTH` in one process (SQLite, a laptop, the tests), or split over
processes on PostgreSQL (`mems serve`): the web processes only keep requests (`ACK`: counted against the queue's
bound in the table itself, kept unleased, a notification rung), and command worker processes (`WORK`, `mems work`)
claim them (PostgreSQL's SKIP LOCKED, under their own leases) when the bell rings or every poll, so the
acknowledgement never shares an interpreter (and its GIL) with command work."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from enum import StrEnum
from typing import Any

from bot import logs
from bot.observe import NO_RECORDER, Recorder
from bot.offload import Offload
from bot.ports import InboxItem, InboxStore
from domain.ports import Clock

log = logging.getLogger(__name__)
Work = Callable[[InboxItem], Awaitable[None]]
WORKERS = 8  # requests worked at once: the bus itself runs on the offload's few threads; the rest is network
FULL_SECONDS = 0.1  # ACK: how long a full queue is believed without counting it again
KEEP_DONE = timedelta(days=1)  # done requests are kept this long (a late retry of one is still a repeat)


class Role(StrEnum):
    BOTH = "both"  # keeps requests and works them, in one process
    ACK = "ack"  # keeps requests for the command workers; runs no command
    WORK = "work"  # runs what the acknowledging processes kept; acknowledges nothing


class Admission(StrEnum):
    ADMITTED = "admitted"  # kept and queued: acknowledge it
    BUSY = "busy"  # the queue is full (or the request could not be kept): tell the asker to try again
    REPEATED = "repeated"  # the platform sent it before (a retry, another replica): acknowledge, do nothing


def request_id() -> str:
    return uuid.uuid4().hex[:16]


class Inbox:
    def __init__(self, store: InboxStore, clock: Clock, offload: Offload, capacity: int = 200,
                 lease_seconds: float = 10.0, workers: int = WORKERS, owner: str | None = None,
                 recorder: Recorder = NO_RECORDER, role: Role = Role.BOTH, poll_seconds: float = 1.0) -> None:
        self.store = store
        self.role = role
        self.poll_seconds = poll_seconds  # WORK: kept requests are looked for this often when no bell rings
        self.recorder = recorder
        self.clock = clock
        self.offload = offload
        self.capacity = capacity
        self.lease_seconds = lease_seconds
        self.workers = workers
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._work: dict[tuple[str, str], Work] = {}
        # Their own threads: keeping a request must not wait behind the commands that hold the offload's threads,
        # nor behind the bookkeeping of requests already taken (marking them done, leases), which has the other.
        # Acknowledging only, a process keeps requests several at a time: each is a round trip, and no command work
        # waits for the GIL meanwhile.
        self._admitter = concurrent.futures.ThreadPoolExecutor(max_workers=4 if role is Role.ACK else 1,
                                                               thread_name_prefix="mems-inbox-admit")
        self._writer = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="mems-inbox")
        self._claimer = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="mems-inbox-claim")
        self._queue: asyncio.Queue[InboxItem] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._held: set[str] = set()  # admitted or taken over, not finished: renewed while this process lives
        self._full_until = 0.0  # ACK: the queue was found full; busy until then without asking the database
        self._finished: set[str] = set()  # marked done by their command's committed transaction (Bus.finished)
        self._wake: asyncio.Event | None = None  # WORK: a request was kept somewhere, or this process has room again
        self._listener = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="mems-inbox-bell")

    @property
    def depth(self) -> int:
        """Requests this process has taken and not finished."""
        return len(self._held)

    @property
    def starts_now(self) -> bool:
        """Whether a request admitted just now runs at once rather than behind a queue: only then may an answer
        (a Feishu click's) wait a moment for its work."""
        return self.role is Role.BOTH and len(self._held) <= self.workers

    def finished(self, item_id: str) -> None:
        """The request's command committed, marking it done in its own transaction (from the bus's thread)."""
        if item_id in self._held:
            self._finished.add(item_id)

    def register(self, platform: str, kind: str, work: Work) -> None:
        self._work[(platform, kind)] = work

    async def admit(self, platform: str, kind: str, key: str, payload: dict[str, Any]) -> Admission:
        """Keep the request (before the caller acknowledges it) and queue it; or say why not."""
        admission = await self._admit(platform, kind, key, payload)
        self.recorder.admission(platform, admission.value)
        return admission

    async def _admit(self, platform: str, kind: str, key: str, payload: dict[str, Any]) -> Admission:
        if self.role is Role.ACK:
            return await self._keep(platform, kind, key, payload)
        if len(self._held) >= self.capacity:
            return Admission.BUSY
        # The HTTP request's id (bot.logs), so the acknowledgement's lines and the work's share it
        item = InboxItem(logs.current() or request_id(), key, platform, kind, payload)
        self._hold(item.id)
        now = self.clock.now()
        try:
            kept = await asyncio.get_running_loop().run_in_executor(
                self._admitter, self.store.put, item, self.owner, now + self._lease(), now)
        except Exception as exc:
            self._drop(item.id)
            log.warning("inbox: could not keep a %s %s request (%s); the asker is told to try again",
                        platform, kind, type(exc).__name__)
            return Admission.BUSY
        if not kept:
            self._drop(item.id)
            return Admission.REPEATED
        self._enqueue(item)
        return Admission.ADMITTED

    async def _keep(self, platform: str, kind: str, key: str, payload: dict[str, Any]) -> Admission:
        """ACK: the queue is the table (every acknowledging process shares its bound); the row is kept unleased, so
        any command worker may claim it at once, and the bell wakes them."""
        item = InboxItem(logs.current() or request_id(), key, platform, kind, payload)
        now = self.clock.now()
        try:
            kept = await asyncio.get_running_loop().run_in_executor(
                self._admitter, self._keep_below, item, now)
        except Exception as exc:
            log.warning("inbox: could not keep a %s %s request (%s); the asker is told to try again",
                        platform, kind, type(exc).__name__)
            return Admission.BUSY
        return kept

    def _keep_below(self, item: InboxItem, now: Any) -> Admission:
        # A full queue is believed for a moment: a burst of requests it turns away costs the database nothing.
        if time.monotonic() < self._full_until:
            return Admission.BUSY
        # Never leased: claimable at once, oldest first among the other kept requests.
        kept = self.store.keep(item, now - self._lease(), now, self.capacity)
        if kept is None:
            self._full_until = time.monotonic() + FULL_SECONDS
            return Admission.BUSY
        return Admission.ADMITTED if kept else Admission.REPEATED

    # -- working ----------------------------------------------------------------------------------------------

    def _enqueue(self, item: InboxItem) -> None:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._tasks += [asyncio.create_task(self._worker()) for _ in range(self.workers)]
        self._queue.put_nowait(item)

    async def _worker(self) -> None:
        assert self._queue is not None
        while True:
            item = await self._queue.get()
            try:
                await self._run(item)
            finally:
                self._drop(item.id)

    async def _run(self, item: InboxItem) -> None:
        work = self._work.get((item.platform, item.kind))
        try:
            with logs.bound(item.id):  # the work's lines (and its command's outbox rows) carry the request's id
                if work is None:
                    log.error("inbox: nothing works a %s %s request (%s)", item.platform, item.kind, item.id)
                else:
                    await work(item)
        except Exception:
            log.exception("inbox: a %s %s request failed (%s)", item.platform, item.kind, item.id)
        if item.id in self._finished:  # its command's transaction marked it done: no second write
            self._finished.discard(item.id)
            return
        try:  # refusals, answers without a command, and commands that failed
            await self._write(self.store.done, item.id, self.clock.now())
        except Exception as exc:  # its lease runs out and a live process answers it once more
            log.warning("inbox: request %s could not be marked done (%s)", item.id, type(exc).__name__)

    # -- what a dead process left -------------------------------------------------------------------------------

    def start(self) -> None:
        """On the server's loop: take over what a dead process left, now and every few seconds, and renew this
        process's leases; a command worker (WORK) also claims what the acknowledging processes keep, as the bell
        rings. An acknowledging process (ACK) works nothing, and so takes nothing over."""
        if self.role is Role.ACK or any(t.get_name() == "mems-inbox-keeper" for t in self._tasks):
            return
        if self.role is Role.WORK:
            self._wake = asyncio.Event()
            self._tasks.append(asyncio.create_task(self._bell(), name="mems-inbox-bell"))
        self._tasks.append(asyncio.create_task(self._keeper(), name="mems-inbox-keeper"))

    async def _keeper(self) -> None:
        every = max(self.lease_seconds / 3, 0.2)
        purged = renewed = 0.0
        while True:
            try:
                if time.monotonic() - renewed >= every:
                    renewed = time.monotonic()
                    await self.keep()
                else:
                    await self._claim()
                if time.monotonic() - purged > 3600:
                    purged = time.monotonic()
                    await self._write(self.store.purge, self.clock.now() - KEEP_DONE)
            except Exception as exc:
                log.warning("inbox: could not renew or take over requests (%s)", type(exc).__name__)
            if self._wake is None:
                await asyncio.sleep(every)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=min(every, self.poll_seconds))
            self._wake.clear()

    async def _bell(self) -> None:
        """WORK: wait (in a thread of its own) for the store's notification that a request was kept."""
        assert self._wake is not None
        loop = asyncio.get_running_loop()
        while True:
            try:
                rung = await loop.run_in_executor(self._listener, self.store.wait, self.poll_seconds)
            except Exception as exc:  # the poll still finds every request, a little later
                log.warning("inbox: not notified of new requests (%s); polling", type(exc).__name__)
                await asyncio.sleep(self.poll_seconds)
                continue
            if rung:
                self._wake.set()

    async def keep(self) -> int:
        """Renew this process's leases, then take over orphaned requests while there is room; how many taken."""
        now = self.clock.now()
        await self._claimed(self.store.renew, self.owner, sorted(self._held), now + self._lease())
        return await self._claim()

    async def _claim(self) -> int:
        # A command worker takes what it works at once and as many again, claimed together once its running work
        # drops below that (one claim per batch, not per request); the rest waits in the table for whichever
        # worker is free.
        if self.role is Role.WORK and len(self._held) >= self.workers:
            return 0
        room = (2 * self.workers if self.role is Role.WORK else self.capacity) - len(self._held)
        if room <= 0:
            return 0
        now = self.clock.now()
        taken = await self._claimed(self.store.claim, self.owner, now, now + self._lease(), room)
        for item in taken:
            if item.id in self._held:  # this process's own, renewed too late: it is queued here already
                continue
            if item.recovered:
                log.info("inbox: running a %s %s request left by a stopped process (%s)", item.platform, item.kind,
                         item.id)
            self._hold(item.id)
            self._enqueue(item)
        return len(taken)

    async def stop(self, timeout: float = 10.0) -> None:
        """Let queued work finish for a while; whatever is left goes back at once for another process."""
        deadline = time.monotonic() + timeout
        while self._held and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks, self._queue = [], None
        if self._held:
            log.warning("inbox: %d request(s) not worked at shutdown; given back for another process",
                        len(self._held))
            with contextlib.suppress(Exception):
                await self._write(self.store.renew, self.owner, sorted(self._held), self.clock.now())
            for item_id in list(self._held):
                self._drop(item_id)

    def close(self) -> None:
        self._admitter.shutdown(wait=False)
        self._writer.shutdown(wait=False)
        self._listener.shutdown(wait=False)
        self._claimer.shutdown(wait=False)

    # -- helpers ------------------------------------------------------------------------------------------------

    def _lease(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)

    def _hold(self, item_id: str) -> None:
        if item_id not in self._held:
            self._held.add(item_id)
            self.offload.hold()
            self.recorder.inbox_depth(len(self._held))

    def _drop(self, item_id: str) -> None:
        if item_id in self._held:
            self._held.discard(item_id)
            self.offload.release()
            self.recorder.inbox_depth(len(self._held))
            if self._wake is not None and len(self._held) < self.workers:  # room again: claim what waits
                self._wake.set()

    async def _claimed(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Claims and renewals: a thread of their own, never queued behind the requests marked done."""
        return await asyncio.get_running_loop().run_in_executor(self._claimer, fn, *args)

    async def _write(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._writer, fn, *args)


