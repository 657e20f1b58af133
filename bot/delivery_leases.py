"""A delivery worker's hold on its rows: leases renewed while it lives (so a dead worker's rows come back within one
short lease), the moment past which a claimed row must not be sent, and the heartbeat by which live workers share
the rate buckets kept in each process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable

from bot.ports import OutboxStore
from domain.ports import Clock

log = logging.getLogger(__name__)
LEASE_USE = 0.75  # a row is never sent once this share of its lease (since the claim or last renewal) is spent
RENEW_EVERY = 0.25  # of the lease
BEAT_SECONDS = 2.0  # a worker's heartbeat; one unseen for three beats no longer takes a share of the buckets


class Leases:
    def __init__(self, store: OutboxStore, clock: Clock, owner: str, lease_seconds: float,
                 share: Callable[[int], None]) -> None:
        self.store = store
        self.clock = clock
        self.owner = owner
        self.lease_seconds = lease_seconds
        self.share = share  # told how many workers are alive
        self.held: set[int] = set()  # rows claimed and not yet settled, by every drain of this worker
        self._renewed = float("-inf")
        self._next_beat = 0.0

    def hold(self, ids: Iterable[int]) -> None:
        self.held.update(ids)

    def drop(self, ids: Iterable[int]) -> None:
        self.held.difference_update(ids)

    def left(self, claimed_at: float) -> float:
        """Seconds in which a row claimed at loop time `claimed_at` may still start going out: well inside its lease,
        counted from the claim or the last renewal, whichever is later."""
        since = max(claimed_at, self._renewed)
        return since + self.lease_seconds * LEASE_USE - asyncio.get_running_loop().time()

    async def keep(self) -> None:
        """Renew the leases of the rows this worker holds (never an orphan: a row whose settling failed is dropped
        and comes back when its lease runs out), and beat, until cancelled."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.lease_seconds * RENEW_EVERY)
            started = loop.time()
            try:
                if self.held:
                    await asyncio.to_thread(self.store.renew, self.owner, sorted(self.held), self.clock.now(),
                                            self.lease_seconds)
                self._renewed = started
            except Exception as exc:
                log.warning("could not renew delivery leases (%s); unsent rows go back as they run out",
                            type(exc).__name__)
            await self.beat()

    async def beat(self) -> None:
        """Tell the others this worker is alive, and take its share of the buckets kept in this process."""
        loop = asyncio.get_running_loop()
        if loop.time() < self._next_beat:
            return
        self._next_beat = loop.time() + BEAT_SECONDS
        try:
            workers = await asyncio.to_thread(self.store.heartbeat, self.owner, self.clock.now(), BEAT_SECONDS * 3)
        except Exception:
            return
        self.share(workers)

    async def release(self, ids: Iterable[int]) -> None:
        """These rows, still leased to this worker, go back now rather than when their lease runs out."""
        leftover = sorted(self.held.intersection(ids))
        self.drop(leftover)
        if leftover:
            with contextlib.suppress(Exception):
                await asyncio.shield(asyncio.to_thread(self.store.release, self.owner, leftover))

    def leave(self) -> None:
        with contextlib.suppress(Exception):
            self.store.leave(self.owner)
