"""Daily metrics in bulk, for the REST API and `mems import-metrics`: every row's form checked here with a reason
a person can act on; the rows then go to the bus as one IngestMetrics command (bot/handlers/metrics.py), which
stores them in one transaction together with the alerts they set off."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from bot.context import Principal
from domain import refs
from domain.metrics import MetricInput, RowError, impossible
from domain.text import shown, storable

__all__ = ["FIELDS", "MetricInput", "Principal", "Rejected", "RowError", "parse_row", "parse_rows"]

MONEY = ("spend", "revenue")
COUNTS = ("impressions", "clicks", "conversions")
FIELDS: tuple[str, ...] = ("campaign", "date", "channel", "spend", "impressions", "clicks", "conversions", "revenue")
FIELDS += ("variant",)  # optional, like channel: an A/B test's variant (issue 13)
MAX_MONEY = Decimal("1e13")
MAX_COUNT = 10**15
CENT = Decimal("0.01")
_KNOWN = frozenset(FIELDS)
_AMOUNT = re.compile(r"[0-9]{1,13}(?:\.[0-9]{1,2})?")  # an amount as it is usually written: "1000.00", "12.5"


class Rejected(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _money(name: str, raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise Rejected(name, "must be an amount, as a string or a number, like \"1000.00\"")
    try:
        value = Decimal(raw.strip() if isinstance(raw, str) else raw)
    except InvalidOperation:
        raise Rejected(name, f"'{shown(str(raw), 40)}' is not an amount") from None
    if not value.is_finite() or value < 0 or value >= MAX_MONEY:
        raise Rejected(name, "must be an amount of zero or more")
    if value != value.quantize(CENT):
        raise Rejected(name, "has more than two decimal places")
    return value.quantize(CENT)


def _count(name: str, raw: Any) -> int:
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():  # "²".isdigit(), yet no int
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0 or raw >= MAX_COUNT:
        raise Rejected(name, "must be a whole number of zero or more")
    return raw


def _day(raw: Any) -> date:
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else _bad_day()
    except ValueError:
        return _bad_day()


def _bad_day() -> date:
    raise Rejected("date", "must be a date like 2026-12-01")


def _text(name: str, value: str) -> None:
    if not storable(value):
        raise Rejected(name, "holds a NUL or an unpaired surrogate (\\ud800-\\udfff), which cannot be stored")


def parse_row(index: int, raw: Any) -> MetricInput:
    """One row of the batch; raises Rejected naming the first field that is wrong."""
    if not isinstance(raw, Mapping):
        raise Rejected("row", "must be an object with campaign, date and the figures")
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise Rejected(shown(str(unknown[0]), 64), f"is not a field; the fields are {', '.join(FIELDS)}")
    for name in ("campaign", "date", *MONEY, *COUNTS):
        if raw.get(name) is None or raw.get(name) == "":
            raise Rejected(name, "is required")
    if not isinstance(raw["campaign"], str | int) or isinstance(raw["campaign"], bool):
        raise Rejected("campaign", "must be a campaign id like C-1")
    found = refs.match(str(raw["campaign"]).strip())
    if found is None or found[0] is not refs.Kind.CAMPAIGN:
        raise Rejected("campaign", f"'{shown(str(raw['campaign']), 40)}' is not a campaign id like C-1")
    day = _day(raw["date"])
    channel = raw.get("channel") or ""
    if not isinstance(channel, str) or len(channel.strip()) > 64:
        raise Rejected("channel", "must be text of at most 64 characters")
    _text("channel", channel)
    figures: dict[str, Decimal | int] = {name: _money(name, raw[name]) for name in MONEY}
    figures |= {name: _count(name, raw[name]) for name in COUNTS}
    pair = impossible(dict(figures))
    if pair is not None:
        raise Rejected(pair[0], f"({figures[pair[0]]}) cannot be above {pair[1]} ({figures[pair[1]]})")
    variant = raw.get("variant") or ""
    if not isinstance(variant, str) or len(variant.strip()) > 32:
        raise Rejected("variant", "must be text of at most 32 characters")
    _text("variant", variant)
    return MetricInput(index, found[1], day, channel.strip(), figures, variant.strip())


def parse_rows(rows: Sequence[Any], first: int = 0) -> tuple[list[MetricInput], list[RowError]]:
    good, bad = [], []
    for n, raw in enumerate(rows, start=first):
        found = _plain(n, raw)
        if found is not None:
            good.append(found)
            continue
        try:
            good.append(parse_row(n, raw))
        except Rejected as exc:
            bad.append(RowError(n, exc.field, exc.message))
    return good, bad


def _plain(index: int, raw: Any) -> MetricInput | None:
    """The usual row (text ids and dates, amounts as text or whole numbers, counts as numbers) in few steps, the
    texts that repeat on every row (campaign, date, channel) judged once; None for any other row, which parse_row
    then judges and names. What it keeps is what parse_row would have made of the row (a property-based test)."""
    if type(raw) is not dict or not raw.keys() <= _KNOWN:
        return None
    texts = raw.get("campaign"), raw.get("date"), raw.get("channel", ""), raw.get("variant", "")
    if any(type(text) is not str for text in texts):
        return None
    number, day, channel, variant = _campaign(texts[0]), _date(texts[1]), _label(texts[2], 64), _label(texts[3], 32)
    figures = {name: _amount(raw.get(name)) for name in MONEY} | {name: _whole(raw.get(name)) for name in COUNTS}
    if number is None or day is None or channel is None or variant is None or None in figures.values():
        return None
    if figures["clicks"] > figures["impressions"] or figures["conversions"] > figures["clicks"]:  # type: ignore[operator]
        return None
    return MetricInput(index, number, day, channel, figures, variant)  # type: ignore[arg-type]


@lru_cache(maxsize=4096)
def _campaign(text: str) -> int | None:
    found = refs.match(text.strip())
    return found[1] if found is not None and found[0] is refs.Kind.CAMPAIGN else None


@lru_cache(maxsize=4096)
def _date(text: str) -> date | None:
    try:
        return _day(text)
    except Rejected:
        return None


@lru_cache(maxsize=4096)
def _label(text: str, limit: int) -> str | None:
    return text.strip() if len(text.strip()) <= limit and storable(text) else None


def _amount(raw: Any) -> Decimal | None:
    if type(raw) is str and _AMOUNT.fullmatch(raw):
        return Decimal(raw).quantize(CENT)
    try:
        return _money("", raw) if raw is not None and raw != "" else None
    except Rejected:
        return None


def _whole(raw: Any) -> int | None:
    if type(raw) is int:
        return raw if 0 <= raw < MAX_COUNT else None
    try:
        return _count("", raw) if raw is not None and raw != "" else None
    except Rejected:
        return None
