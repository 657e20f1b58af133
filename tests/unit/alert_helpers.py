"""Helpers for alert tests: run a scan through the bus as the scheduler does, deliver as of a moment."""

from __future__ import annotations

from datetime import datetime

from adapters.console.render import render
from domain import commands as c
from domain.notifications import OutboxMessage
from tests.builders import TestBot

SCANS = (c.ScanDeadlines, c.ScanApprovals, c.SendDigests)


def tick(bot: TestBot, at: datetime) -> int:
    """What `mems tick --at` does: every scan once as of `at`, then delivery; returns rows delivered."""
    bot.clock.at = at
    for scan in SCANS:
        result = bot.container.bus.run_system(scan(at))
        assert result.error is None, result.error
    return bot.deliver()


def rows(bot: TestBot, kind: str | None = None) -> list[OutboxMessage]:
    found = sorted(bot.store.table("outbox").values(), key=lambda m: m.id or 0)
    return [m for m in found if kind is None or m.kind == kind]


def sent(bot: TestBot, ref: str | None = None) -> list[str]:
    return [render(card) for target, card, _ in bot.gateway.sent if ref is None or target.ref == ref]
