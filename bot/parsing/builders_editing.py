"""Builders for changing things after the fact: closing with a confirmation, reopening, edits, deletions, undo."""

from __future__ import annotations

from bot.parsing.args import Args
from bot.parsing.builders import CAMPAIGN, Builder
from domain import commands as c
from domain.campaign import Action

CONFIRM = {"confirm": True, "yes": True, "确认": True, "确定": True}


def closing(action: Action) -> Builder:
    """`complete C-1` / `cancel C-1`, and `... confirm` to go ahead although work is still open."""
    def build(a: Args) -> c.Command:
        number = a.ref(CAMPAIGN, "campaign")
        confirmed = a.word(CONFIRM, "confirm") is not None
        a.done()
        return c.ChangeStatus(number, action, confirmed=confirmed)
    return build


def reopen(a: Args) -> c.Command:
    number = a.ref(CAMPAIGN, "campaign")
    a.done()
    return c.ChangeStatus(number, Action.REOPEN)

