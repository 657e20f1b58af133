"""Column types that keep money exact and datetimes timezone-aware UTC on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Numeric
from sqlalchemy.types import TypeDecorator, TypeEngine

MAX_CENTS = 10**18  # what Numeric(18, 2) holds: 16 digits before the point, 2 after


def to_cents(value: Decimal | int) -> int:
    """Exact cents; more than two decimals or too many digits is an error, never a silent rounding."""
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"money must be a Decimal, not {type(value).__name__}")
    scaled = Decimal(value).scaleb(2)
    if not scaled.is_finite() or scaled != scaled.to_integral_value():
        raise ValueError(f"{value} is not a whole number of cents")
    if abs(scaled) >= MAX_CENTS:
        raise ValueError(f"{value} is too large for Numeric(18, 2)")
    return int(scaled)


class Amount(TypeDecorator[Decimal]):
    """Money: NUMERIC(18, 2) on PostgreSQL. SQLite has no exact decimal (SQLAlchemy would go through float),
    so there it is a 64-bit integer of cents, which is exact over the same range and sums exactly."""

    impl = Numeric(18, 2, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(18, 2, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        cents = to_cents(value)
        return cents if dialect.name == "sqlite" else Decimal(cents).scaleb(-2)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-2)
        return Decimal(value)


class AmountTotal(Amount):
    """A sum of many amounts (a campaign's spend over every day and channel): NUMERIC(30, 2) on PostgreSQL, so a total
    may pass what one amount can hold; written by SQL sums, never bound from Python. SQLite: cents, as Amount."""

    impl = Numeric(30, 2, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(30, 2, asdecimal=True))


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in UTC. A naive datetime is refused (it would be ambiguous); SQLite, which stores no zone,
    gets UTC wall time and hands it back with tzinfo=UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: give it a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
