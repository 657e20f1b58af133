"""Builders for the anomaly alerts' commands: ack and snooze, naming an alert (as on its buttons) or a campaign."""

from __future__ import annotations

import re
from datetime import date

from bot.parsing.args import Args
from bot.parsing.errors import ParseError
from domain import commands as c
from domain import refs
from domain.alerts import parse_alert_ref
from domain.refs import Kind

_DURATION = re.compile(r"^(\d{1,3})\s*(h|d|小时|天)$")
MAX_SNOOZE_HOURS = 7 * 24


def _alert(a: Args) -> tuple[int, date | None]:
    """An alert ref (anomaly:C-1:2026-12-05, as on the buttons) or, for snooze, a bare campaign id."""
    token = a.peek()
    raw = token.text if token else ""
    found = parse_alert_ref(raw)
    if found is not None:
        a.positional.pop(0)
        return found
    number = a.optional_ref(Kind.CAMPAIGN)
    if number is None:
        raise ParseError("bad_alert_ref", value=raw)
    return number, None


def ack(a: Args) -> c.Command:
    number, day = _alert(a)
    a.done()
    if day is None:
        raise ParseError("bad_alert_ref", value=refs.campaign(number))
    return c.Acknowledge(number, day)


def _hours(raw: str) -> int:
    found = _DURATION.match(raw.strip().lower())
    if not found:
        raise ParseError("bad_duration", value=raw)
    hours = int(found.group(1)) * (24 if found.group(2) in ("d", "天") else 1)
    if not 0 < hours <= MAX_SNOOZE_HOURS:
        raise ParseError("bad_duration", value=raw)
    return hours


def snooze(a: Args) -> c.Command:
    number, day = _alert(a)
    raw = a.rest()
    return c.SnoozeAlerts(number, _hours(raw) if raw else 24, day)
