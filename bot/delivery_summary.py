"""What the delivery worker says at INFO: one line a minute while it delivers (and one when a run ends) counting what
went out, what waits and what gave up, by platform. Each message's own line is DEBUG: at a 09:00 digest for 5,000
people a line per message would be 5,000 lines. A failure and a dead letter keep their own WARNING line each."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable

log = logging.getLogger("bot.delivery")
EVERY_SECONDS = 60.0
# the outcomes a summary names, in its order (rows; "messages" counts what went out, a folded card once)
OUTCOMES = ("sent", "messages", "deferred", "throttled", "retry", "retried_in_run", "dead")


class Summary:
    def __init__(self, every: float = EVERY_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self.counts: dict[str, Counter[str]] = {}  # by platform
        self.since = clock()

    def count(self, platform: str, outcome: str, rows: int, messages: int = 0) -> None:
        counts = self.counts.setdefault(platform, Counter())
        counts[outcome] += rows
        counts["messages"] += messages
        if self.clock() - self.since >= self.every:
            self.flush()

    def flush(self) -> None:
        """Log what was counted since the last line, if anything, and start counting afresh."""
        now = self.clock()
        for platform, counts in sorted(self.counts.items()):
            told = ", ".join(f"{counts[o]} {o.replace('_', ' ')}" for o in OUTCOMES[2:] if counts[o])
            log.info("delivery on %s in the last %.0f s: %d row(s) sent in %d message(s)%s", platform,
                     now - self.since, counts["sent"], counts["messages"], f"; {told}" if told else "")
        self.counts = {}
        self.since = now
