"""The inbox in memory, for one process over test fakes: the same contract as the database's (adapters/db)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.ports import InboxItem


@dataclass
class _Kept:
    item: InboxItem
    owner: str | None
    lease_until: datetime
    done_at: datetime | None = None


class MemoryInboxStore:
    def __init__(self) -> None:
        self._kept: dict[str, _Kept] = {}
        self._keys: set[str] = set()
        self._lock = threading.Lock()
        self._rung = threading.Condition(self._lock)

    def put(self, item: InboxItem, owner: str | None, lease_until: datetime, now: datetime) -> bool:
        with self._lock:
            if item.key in self._keys:
                return False
            self._keys.add(item.key)
            if owner is None:  # kept for whichever worker claims it first: its first claim is its first attempt
                item = dataclasses.replace(item, attempts=0)
                self._rung.notify_all()
            self._kept[item.id] = _Kept(item, owner, lease_until)
            return True

    def keep(self, item: InboxItem, lease_until: datetime, now: datetime, capacity: int) -> bool | None:
        if self.pending() >= capacity:
            return None
        return self.put(item, None, lease_until, now)

    def wait(self, timeout: float) -> bool:
        with self._rung:
            return self._rung.wait(timeout)

    def claim(self, owner: str, now: datetime, lease_until: datetime, limit: int) -> list[InboxItem]:
        with self._lock:
            orphans = sorted((k for k in self._kept.values() if k.done_at is None and k.lease_until < now),
                             key=lambda k: k.lease_until)[:limit]
            for kept in orphans:
                kept.owner, kept.lease_until = owner, lease_until
                kept.item = dataclasses.replace(kept.item, attempts=kept.item.attempts + 1)
            return [k.item for k in orphans]

    def renew(self, owner: str, ids: Sequence[str], lease_until: datetime) -> int:
        with self._lock:
            held = [k for i in ids if (k := self._kept.get(i)) and k.done_at is None and k.owner == owner]
            for kept in held:
                kept.lease_until = lease_until
            return len(held)

    def done(self, item_id: str, now: datetime) -> None:
        with self._lock:
            kept = self._kept.get(item_id)
            if kept is not None and kept.done_at is None:
                kept.done_at, kept.owner = now, None

    def pending(self) -> int:
        with self._lock:
            return sum(1 for k in self._kept.values() if k.done_at is None)

    def purge(self, before: datetime) -> int:
        with self._lock:
            gone = [i for i, k in self._kept.items() if k.done_at is not None and k.done_at < before]
            for item_id in gone:
                del self._kept[item_id]  # its key stays taken: a late retry of it is still a repeat
            return len(gone)
