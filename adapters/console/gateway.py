"""The console's chat gateway: a notification is printed, addressed to its channel or person."""

from __future__ import annotations

import collections
import itertools
from typing import TextIO

from adapters.console.render import render
from bot.cards import Card
from bot.ports import Limit, Sent
from domain.notifications import Target, TargetKind
from domain.people import Platform, Workspace


class ConsoleGateway:
    platform = Platform.CONSOLE

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._ids = itertools.count(1)
        # Cards printed lately: every copy of one card (DMs, channel, updates) goes to this one terminal.
        self._recent: collections.deque[str] = collections.deque(maxlen=16)

    def limits(self, workspace: Workspace, target: Target) -> tuple[Limit, ...]:
        return ()  # a terminal takes whatever comes

    def _print(self, heading: str, card: Card) -> None:
        # The same card again, to another place: say where, not the card (a copy with buttons to act on differs).
        text = render(card)
        if text in self._recent:
            self.out.write(f"── {heading} ──\n  (as above: {card.title})\n")
        else:
            self.out.write(f"── {heading} ──\n{text}\n")
            self._recent.append(text)
        self.out.flush()

    async def send(self, workspace: Workspace, target: Target, card: Card, idempotency_key: str) -> Sent:
        where = f"#{target.ref}" if target.kind is TargetKind.CHANNEL else f"@{target.ref} (direct message)"
        self._print(f"to {where}", card)
        return Sent(channel=target.ref, message_ref=f"console-{next(self._ids)}")

    async def update(self, workspace: Workspace, channel: str, message_ref: str, card: Card) -> None:
        self._print(f"updated in {channel}", card)
