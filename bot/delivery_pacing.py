"""Pacing for the delivery worker: each send waits for the platform's rate buckets at the moment it leaves (after
the wait for a free sender, not when it was queued), so messages never bunch up into a burst the platform refuses.
In this process a channel's sends go one after another in a lane; a row that would wait longer than SHORT_WAIT is
given back for later instead of holding a place in the window."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from bot.ports import Limit, RateLimiter, Slot

T = TypeVar("T")
SHORT_WAIT = 10.0  # a throttle, back-off or rate wait at most this long is waited out within the run
PACE_SLACK = 0.01  # a slot this close is taken and slept for, holding the sender


class GiveBack(Exception):
    """The row goes back in line, due in `wait` seconds, no attempt counted (a full bucket, a spent lease, a stop)."""

    def __init__(self, wait: float = 0.0) -> None:
        super().__init__(wait)
        self.wait = wait


@dataclass
class Lane:
    """One channel's sends in this process."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    queued: int = 0

    @staticmethod
    def ahead(queued: int, limit: Limit) -> float:
        """Roughly how long a newcomer waits behind `queued` sends (the burst goes at once)."""
        return max(queued - (limit.burst - 1), 0) / limit.per_second


class Pacer:
    def __init__(self, limiter: RateLimiter, sending: asyncio.Semaphore,
                 pause: Callable[[float], Awaitable[None]]) -> None:
        self.limiter = limiter
        self.sending = sending
        self.pause = pause
        self.lanes: dict[str, Lane] = {}

    async def send(self, limits: Sequence[Limit], send: Callable[[], Awaitable[T]], lease_left: Callable[[], float],
                   stopping: Callable[[], bool]) -> T:
        """Run `send` once every bucket allows it; GiveBack when that is too far off, the lease is nearly spent when
        the moment comes (leases are renewed meanwhile, so only a worker cut off from the database gets there) or
        the worker is stopping."""
        if not limits:
            async with self.sending:
                if stopping() or lease_left() <= 0:
                    raise GiveBack(0.0)
                return await send()
        lane = self.lanes.setdefault(limits[0].key, Lane())
        ahead = Lane.ahead(lane.queued, limits[0])
        if ahead > SHORT_WAIT:
            raise GiveBack(ahead)
        lane.queued += 1
        try:
            async with lane.lock:
                return await self._paced(limits, send, lease_left, stopping)
        finally:
            lane.queued -= 1

    async def answered(self, limits: Sequence[Limit]) -> None:
        """The platform has answered this lane's send: its buckets count it from now at the latest (see
        RateLimiter.answered)."""
        if limits:
            await asyncio.to_thread(self.limiter.answered, limits)

    async def _paced(self, limits: Sequence[Limit], send: Callable[[], Awaitable[T]],
                     lease_left: Callable[[], float], stopping: Callable[[], bool]) -> T:
        waited = 0.0
        while True:
            if stopping():
                raise GiveBack(0.0)
            async with self.sending:
                if lease_left() <= 0:
                    raise GiveBack(0.0)
                slot: Slot = await asyncio.to_thread(self.limiter.reserve, limits, PACE_SLACK)
                if slot.granted:
                    await self.pause(slot.wait)
                    return await send()
            waited += slot.wait
            if waited > SHORT_WAIT:
                raise GiveBack(slot.wait)
            await self.pause(slot.wait)
