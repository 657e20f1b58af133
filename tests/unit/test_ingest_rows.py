"""A metrics batch is judged the same whichever way its rows are read: the usual rows take a short path (texts that
repeat judged once, JSON read by msgspec), and every row that path keeps is exactly what the full check makes of it;
whatever the fast JSON reader refuses (NaN, a lone surrogate, a UTF-16 body) the standard reader judges as before."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.api import batches
from bot.ingest import MetricInput, Rejected, RowError, parse_row, parse_rows

GOOD = {"campaign": "C-1", "date": "2026-11-24", "channel": "douyin", "spend": "1000.00", "impressions": 100000,
        "clicks": 1500, "conversions": 60, "revenue": "4000.00"}
TEXTS = st.sampled_from(["C-1", "c7", " C-12 ", "C-0", "T-1", "C-99999999999", "2026-11-24", "2026-02-30",
                         "2026-W48-3", "", " ", "douyin", " x ", "a\x00b", "\ud800", "\u00b2", "7", " 12 ", "1e3",
                         "1000.00", "12.345", "-5", "NaN", "1_000", "٣", "10000000000000", "9999999999999.99",
                         "0.5", "x" * 65, "x" * 33])
NUMBERS = st.one_of(st.integers(-3, 10**16), st.sampled_from([10**15 - 1, 10**15, 10**13 - 1, 10**13]),
                    st.decimals(allow_nan=True, places=3), st.floats(allow_nan=True), st.booleans(), st.none())
AMOUNTS = st.from_regex(r"\A\s?-?[0-9]{0,15}(\.[0-9]{0,4})?\Z")  # "12.345", "10000000000000", ".5", " 7"
VALUES = st.one_of(TEXTS, AMOUNTS, NUMBERS, st.lists(st.integers(), max_size=1), st.text(max_size=8))
ROWS = st.one_of(
    st.tuples(st.sampled_from([*GOOD, "variant", "extra"]), VALUES).map(lambda f: GOOD | {f[0]: f[1]}),
    st.fixed_dictionaries({}, optional={name: VALUES for name in (*GOOD, "variant", "extra")}),
    st.dictionaries(st.sampled_from([*GOOD, "variant"]), VALUES).map(lambda r: GOOD | r),
    VALUES)


def full(index: int, raw: Any) -> MetricInput | RowError:
    try:
        return parse_row(index, raw)
    except Rejected as exc:
        return RowError(index, exc.field, exc.message)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROWS, max_size=4))
def test_a_batch_reads_as_the_full_check_of_each_row_reads_it(rows: list[Any]) -> None:
    good, bad = parse_rows(rows)
    assert sorted([*good, *bad], key=lambda r: r.index) == [full(n, raw) for n, raw in enumerate(rows)]


@settings(max_examples=800, deadline=None)
@given(st.sampled_from([*GOOD, "variant", "extra"]), VALUES)
def test_a_usual_row_with_one_field_changed_reads_as_the_full_check_reads_it(name: str, value: Any) -> None:
    assert [*parse_rows([GOOD | {name: value}])[0], *parse_rows([GOOD | {name: value}])[1]] == [full(0, GOOD | {
        name: value})]


EDGES = [("spend", "12.345"), ("spend", "9999999999999.99"), ("spend", "10000000000000"), ("revenue", 10**13 - 1),
         ("revenue", 10**13), ("revenue", " 12"), ("clicks", 10**15 - 1), ("impressions", 10**15), ("clicks", -1),
         ("clicks", "15"), ("conversions", 1501), ("channel", "x" * 64), ("channel", " " + "x" * 64 + " "),
         ("channel", "x" * 65), ("variant", "v" * 32), ("variant", " " + "v" * 33), ("campaign", "c-2"),
         ("campaign", "C-2147483648"), ("date", "2026-W48-3"), ("date", "2026-11-31")]


@pytest.mark.parametrize(("name", "value"), EDGES)
def test_the_edges_of_the_usual_row_read_as_the_full_check_reads_them(name: str, value: Any) -> None:
    good, bad = parse_rows([GOOD | {name: value}])
    assert [*good, *bad] == [full(0, GOOD | {name: value})]


def test_the_usual_row_is_kept_with_exact_amounts() -> None:
    good, bad = parse_rows([GOOD, GOOD | {"spend": Decimal("1234.5"), "revenue": 7, "channel": " wechat "}])
    assert bad == [] and [r.figures["spend"] for r in good] == [Decimal("1000.00"), Decimal("1234.50")]
    assert str(good[1].figures["revenue"]) == "7.00" and good[1].channel == "wechat"


def body(*rows: Any) -> bytes:
    return json.dumps({"rows": list(rows)}).encode()


def test_json_the_fast_reader_refuses_is_judged_by_the_standard_one() -> None:
    nan = body(GOOD).replace(b'"1000.00"', b"NaN")
    surrogate = body(GOOD | {"channel": "\ud800"})
    found = [batches.rows(raw) for raw in (nan, surrogate, body(GOOD).decode().encode("utf-16"))]
    assert [r for r in found if isinstance(r, batches.Refused)] == []
    assert [[(e.field, e.message) for e in bad] for _, bad in found] == [  # type: ignore[union-attr]
        [("spend", "must be an amount, as a string or a number, like \"1000.00\"")],
        [("channel", "holds a NUL or an unpaired surrogate (\\ud800-\\udfff), which cannot be stored")], []]


def test_what_no_reader_takes_is_still_a_400() -> None:
    assert batches.rows(b'{"rows": [1,]}') == batches.Refused(400, "the body is not JSON")
    assert batches.rows(b"[" * 3000 + b"]" * 3000) == batches.Refused(400, "the body's JSON is nested too deep")
    assert batches.rows(b'{"rows": 5}') == batches.Refused(422, f"must be a list of at most {batches.MAX_ROWS} rows")
