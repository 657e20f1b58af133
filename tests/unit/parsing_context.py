"""The fixed moment and place the parser tests read commands in: Wednesday 2026-06-10, noon in Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.parsing.values import Now
from domain.money import Money

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
NOON_SHANGHAI = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)  # a Wednesday, 12:00 in Shanghai
CTX = Now(NOON_SHANGHAI, SHANGHAI, "CNY")


def at(utc: datetime, tz: ZoneInfo = SHANGHAI, currency: str = "CNY") -> Now:
    return Now(utc, tz, currency)


def cny(amount: str) -> Money:
    return Money(Decimal(amount), "CNY")


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def six_pm_shanghai(year: int, month: int, day: int) -> datetime:
    """A bare date's due time (18:00 in Shanghai), as UTC."""
    return datetime(year, month, day, 10, 0, tzinfo=UTC)
