"""The budget ledger and spend pacing, with the bands at their 70 / 90 / 110 % edges."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from domain.errors import CurrencyMismatch, InvalidInput
from domain.ledger import Ledger, Pace, SpendEntry, elapsed_share, pace_band
from domain.money import Money
from tests.unit.domain_builders import NOW, cny

JULY = (date(2026, 7, 1), date(2026, 7, 10))  # ten days


def ledger(approved: str | int = 10_000, entries: str | int = 0, media: str | int = 0) -> Ledger:
    return Ledger(planned=cny(50_000), requested=cny(0), approved=cny(approved), spent_entries=cny(entries),
                  spent_media=cny(media))


@pytest.mark.parametrize(("ratio", "band"), [
    ("0", Pace.UNDER), ("0.6999", Pace.UNDER),
    ("0.70", Pace.AT_RISK), ("0.8999", Pace.AT_RISK),
    ("0.90", Pace.ON_TRACK), ("1", Pace.ON_TRACK), ("1.10", Pace.ON_TRACK),
    ("1.1001", Pace.OVER), ("3", Pace.OVER),
])
def test_pace_bands_at_their_edges(ratio: str, band: Pace) -> None:
    assert pace_band(Decimal(ratio)) is band


@pytest.mark.parametrize(("today", "share"), [
    (date(2026, 6, 30), "0"), (date(2026, 7, 1), "0.1"), (date(2026, 7, 5), "0.5"), (date(2026, 7, 10), "1"),
    (date(2026, 8, 1), "1"),
])
def test_elapsed_share_counts_today_as_elapsed(today: date, share: str) -> None:
    assert elapsed_share(*JULY, today) == Decimal(share)


def test_a_one_day_campaign_is_fully_elapsed_on_its_day() -> None:
    assert elapsed_share(date(2026, 7, 1), date(2026, 7, 1), date(2026, 7, 1)) == 1


@pytest.mark.parametrize(("spent", "band"), [
    (3_499, Pace.UNDER),  # expected by day 5 of 10: 5,000; 69.98 %
    (3_500, Pace.AT_RISK),  # 70 %
    (4_500, Pace.ON_TRACK),  # 90 %
    (5_500, Pace.ON_TRACK),  # 110 %
    (5_501, Pace.OVER),
])
def test_pacing_compares_spend_with_the_elapsed_share_of_the_approved_budget(spent: int, band: Pace) -> None:
    pacing = ledger(10_000, entries=spent).pacing(JULY, date(2026, 7, 5))
    assert pacing is not None
    assert (pacing.ratio, pacing.elapsed, pacing.band) == (Decimal(spent) / 5_000, Decimal("0.5"), band)


def test_pacing_before_the_first_day_has_not_started() -> None:
    pacing = ledger(10_000, entries=100).pacing(JULY, date(2026, 6, 30))
    assert pacing is not None and (pacing.ratio, pacing.band) == (None, Pace.NOT_STARTED)


def test_no_pacing_without_dates_or_approved_money() -> None:
    assert ledger(10_000).pacing(None, date(2026, 7, 5)) is None
    assert ledger(0).pacing(JULY, date(2026, 7, 5)) is None


def test_spent_counts_entries_and_media_once_each() -> None:
    book = ledger(20_000, entries="3200.50", media="1800")
    assert book.spent == cny("5000.50")
    assert book.remaining == cny("14999.50")
    assert book.used_share == Decimal("5000.50") / Decimal("20000")


def test_overspend_leaves_a_negative_remaining() -> None:
    book = ledger(1_000, entries=1_500)
    assert book.remaining == cny(-500) and book.remaining.format() == "-¥500.00"


def test_used_share_is_none_without_approved_money() -> None:
    assert ledger(0, entries=10).used_share is None


def test_a_foreign_currency_in_the_ledger_is_refused() -> None:
    book = Ledger(None, cny(0), cny(100), Money.of("1", "USD"), cny(0))
    with pytest.raises(CurrencyMismatch):
        _ = book.spent


def test_a_spend_entry_is_never_zero() -> None:
    with pytest.raises(InvalidInput) as caught:
        SpendEntry(1, 1, cny(0), "venue", "olive", NOW)
    assert caught.value.params["reason"] == "amount_not_positive"


def test_a_negative_entry_is_a_correction_and_needs_a_reason() -> None:
    """Issue 11: `budget spend C-1 -500 <reason>` corrects a wrong entry (was: refused as not positive)."""
    with pytest.raises(InvalidInput) as caught:
        SpendEntry(1, 1, cny(-1), "  ", "olive", NOW)
    assert caught.value.params["reason"] == "correction_needs_reason"
    assert SpendEntry(1, 1, cny(-1), "wrong invoice", "olive", NOW).is_correction


def test_a_ledger_changed_by_replace_counts_its_own_spend() -> None:
    book = ledger(entries=100, media=200)
    assert book.spent == cny(300)  # asked once: kept
    changed = replace(book, spent_media=cny(900))
    assert changed.spent == cny(1_000)
    assert book.spent == cny(300) and changed != book
    assert replace(changed) == ledger(entries=100, media=900)  # the kept sum is not part of equality
