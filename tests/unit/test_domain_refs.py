"""Human ids: C-12, T-3, A-7, read in any case with or without the dash."""

from __future__ import annotations

import pytest

from domain import refs
from domain.errors import InvalidInput
from domain.refs import Kind


def test_format() -> None:
    assert (refs.campaign(12), refs.task(3), refs.approval(7)) == ("C-12", "T-3", "A-7")


@pytest.mark.parametrize(("text", "expected"), [
    ("C-12", (Kind.CAMPAIGN, 12)), ("C12", (Kind.CAMPAIGN, 12)), ("c-12", (Kind.CAMPAIGN, 12)),
    ("c12", (Kind.CAMPAIGN, 12)), ("T-3", (Kind.TASK, 3)), ("t3", (Kind.TASK, 3)), ("A-7", (Kind.APPROVAL, 7)),
    ("a7", (Kind.APPROVAL, 7)), ("C-007", (Kind.CAMPAIGN, 7)),
    ("X-1", (Kind.EXPERIMENT, 1)), ("g2", (Kind.GOAL, 2)),  # goals and A/B tests (issue 13)
    ("Z-1", None), ("C-", None), ("C--1", None), ("C-1a", None), (" C-1", None), ("C-1234567890123", None), ("", None),
])
def test_match(text: str, expected: tuple[Kind, int] | None) -> None:
    assert refs.match(text) == expected


def test_parse_checks_the_kind() -> None:
    assert refs.parse("t-3", Kind.TASK) == (Kind.TASK, 3)
    assert refs.parse("A-1") == (Kind.APPROVAL, 1)
    with pytest.raises(InvalidInput) as caught:
        refs.parse("T-3", Kind.CAMPAIGN)
    assert caught.value.params == {"field": "id", "reason": "bad_id", "value": "T-3", "expected": "C"}
    with pytest.raises(InvalidInput) as caught:
        refs.parse("nope")
    assert caught.value.params["expected"] == "C/T/A"


@pytest.mark.parametrize("text", ["C-2147483648", "T-99999999999", "A-4294967296", "C-١٢"])
def test_an_id_beyond_what_the_database_stores_or_in_other_digits_names_nothing(text: str) -> None:
    assert refs.match(text) is None
    assert refs.match("C-2147483647") == (Kind.CAMPAIGN, 2**31 - 1)
