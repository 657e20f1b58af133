"""Outbox clean-up: sent rows past their retention are removed in small batches, each its own short transaction,
so the table holds weeks of history rather than every message ever sent, and no batch holds writers up for long.
A removed row's natural key is free again, so the cut-off is never sooner than a day past the scans' look-back
(a scan cannot write such an alert again), and budget alerts are kept: their key is the only record that a level was
announced, and the budget scan would announce it again."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.ports import OutboxStore
from domain.notifications import AlertKind

log = logging.getLogger(__name__)
BATCH = 500
PAUSE = 0.05  # seconds between batches: other writers get the database in between
KEPT = frozenset({AlertKind.BUDGET_THRESHOLD.value})


def cutoff(now: datetime, retention: timedelta, lookback: timedelta) -> datetime:
    """Rows sent before this moment may go."""
    return now - max(retention, lookback + timedelta(days=1))


def sweep(store: OutboxStore, before: datetime, batch: int = BATCH,
          pause: Callable[[float], None] = time.sleep) -> int:
    """Remove every sent row older than `before`, `batch` rows a transaction; answer how many went."""
    removed = 0
    while True:
        count = store.purge_sent(before, batch, KEPT)
        removed += count
        if count < batch:
            break
        pause(PAUSE)
    if removed:
        log.info("outbox: removed %d sent row(s) sent before %s", removed, before.isoformat(timespec="seconds"))
    return removed
