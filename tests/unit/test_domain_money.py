"""Money: exact decimals with a currency, shown the way marketers write it, never mixed across currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import CurrencyMismatch, InvalidInput
from domain.money import Money, total


@pytest.mark.parametrize(("amount", "currency", "shown"), [
    ("20000", "CNY", "¥20,000.00"),
    ("1250.5", "USD", "$1,250.50"),
    ("1250.505", "USD", "$1,250.51"),  # half up
    ("0", "CNY", "¥0.00"),
    ("-300", "CNY", "-¥300.00"),
    ("-1250.50", "USD", "-$1,250.50"),
    ("-0.004", "CNY", "¥0.00"),  # rounds to nothing: no minus sign on zero
    ("1234567.8", "EUR", "€1,234,567.80"),
    ("20000", "XYZ", "20,000.00 XYZ"),
    ("-20000", "XYZ", "-20,000.00 XYZ"),
])
def test_format(amount: str, currency: str, shown: str) -> None:
    money = Money(Decimal(amount), currency)
    assert money.format() == shown == str(money)


def test_arithmetic_is_exact() -> None:
    assert Money.of("0.10", "CNY") + Money.of("0.20", "CNY") == Money.of("0.30", "CNY")
    assert Money.of("100", "CNY") - Money.of("100.01", "CNY") == Money.of("-0.01", "CNY")
    assert -Money.of("5", "USD") == Money.of("-5", "USD")
    assert total([Money.of("1.10", "CNY"), Money.of("2.20", "CNY")], "CNY") == Money.of("3.30", "CNY")
    assert total([], "USD") == Money.zero("USD")


def test_comparisons() -> None:
    small, big = Money.of("10", "CNY"), Money.of("10.01", "CNY")
    assert small < big and small <= big and big > small and big >= small and small <= Money.of("10.00", "CNY")


@pytest.mark.parametrize("operation", [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a < b, lambda a, b: a <= b, lambda a, b: a > b,
    lambda a, b: a >= b,
])
def test_currencies_never_mix(operation: object) -> None:
    with pytest.raises(CurrencyMismatch) as caught:
        operation(Money.of("1", "CNY"), Money.of("1", "USD"))  # type: ignore[operator]
    assert caught.value.params == {"expected": "CNY", "got": "USD"}


def test_total_refuses_a_foreign_item() -> None:
    with pytest.raises(CurrencyMismatch):
        total([Money.of("1", "CNY"), Money.of("1", "USD")], "CNY")


def test_a_float_is_refused() -> None:
    with pytest.raises(TypeError):
        Money(0.1, "CNY")  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity"])
def test_not_a_number_is_refused(amount: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Money(Decimal(amount), "CNY")
    assert caught.value.params["reason"] == "not_a_number"


@pytest.mark.parametrize("currency", ["cny", "CN", "CNYY", "¥¥¥", "1NY", ""])
def test_a_bad_currency_code_is_refused(currency: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Money(Decimal("1"), currency)
    assert caught.value.params["reason"] == "bad_currency"


def test_a_sum_is_money_like_any_other() -> None:
    made = Money.of("0.10", "CNY") + Money.of("0.20", "CNY")
    assert type(made) is Money and hash(made) == hash(Money.of("0.30", "CNY")) and str(made) == "¥0.30"
    assert {made, Money.of("0.3", "CNY")} == {Money.of("0.30", "CNY")}


def test_a_bad_currency_code_is_refused_each_time() -> None:
    Money(Decimal("1"), "CNY")
    for _ in range(2):  # good codes are remembered, bad ones never are
        with pytest.raises(InvalidInput):
            Money(Decimal("1"), "cny")
