"""Money as an exact decimal with a currency; never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from domain.errors import CurrencyMismatch, InvalidInput

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "JP¥", "HKD": "HK$"}
CENT = Decimal("0.01")
_WELL_FORMED: set[str] = set()  # currency codes already checked (at most 26³ of them): each is checked once
_new, _set = object.__new__, object.__setattr__


def _exact(amount: Decimal, currency: str) -> Money:
    """A sum or difference of two valid amounts in one currency is valid: made without checking it again."""
    made = _new(Money)
    _set(made, "amount", amount)
    _set(made, "currency", currency)
    return made


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal")
        if not self.amount.is_finite():
            raise InvalidInput("amount", "not_a_number", value=str(self.amount))
        if self.currency not in _WELL_FORMED:
            if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
                raise InvalidInput("currency", "bad_currency", value=self.currency)
            _WELL_FORMED.add(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal("0"), currency)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        return cls(Decimal(amount), currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return _exact(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return _exact(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return _exact(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    @property
    def cents(self) -> Decimal:
        return self.amount.quantize(CENT, rounding=ROUND_HALF_UP)

    def format(self) -> str:
        """`¥20,000.00`, `$1,250.50`, `-¥300.00`; unknown currencies as `20,000.00 XYZ`."""
        cents = self.cents
        sign = "-" if cents < 0 else ""  # by the shown cents: -0.004 is ¥0.00, not -¥0.00
        digits = f"{abs(cents):,.2f}"
        symbol = SYMBOLS.get(self.currency)
        return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {self.currency}"

    def __str__(self) -> str:
        return self.format()


def total(items: list[Money], currency: str) -> Money:
    result = Money.zero(currency)
    for item in items:
        result = result + item
    return result
