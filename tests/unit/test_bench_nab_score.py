"""The NAB scorer against hand-worked cases: a 200-row file (30 probationary rows) with one window."""

from __future__ import annotations

import math

import pytest

from bench.nab_score import (
    MAX_TP,
    normalised,
    perfect,
    probation,
    scaled_sigmoid,
    score_file,
)

ROWS = 200
WINDOW = (100, 109)  # ten rows wide


def flags(*rows: int) -> list[bool]:
    return [i in rows for i in range(ROWS)]


def test_the_scaled_sigmoid_at_its_landmarks() -> None:
    assert scaled_sigmoid(-1.0) == pytest.approx(0.98661, abs=1e-5)
    assert scaled_sigmoid(-0.5) == pytest.approx(0.84828, abs=1e-5)
    assert scaled_sigmoid(0.0) == 0.0
    assert scaled_sigmoid(1.0) == pytest.approx(-0.98661, abs=1e-5)
    assert scaled_sigmoid(3.0) == -1.0


def test_probation_is_15_percent_capped_at_750_rows() -> None:
    assert probation(200) == 30
    assert probation(10_000) == 750


def test_no_detection_misses_the_window() -> None:
    found = score_file(flags(), [WINDOW])
    assert (found.raw, found.windows, found.found) == (-1.0, 1, 0)


def test_a_detection_on_the_first_row_of_the_window_scores_one() -> None:
    assert score_file(flags(100), [WINDOW]).raw == pytest.approx(1.0)


def test_a_detection_on_the_last_row_scores_little() -> None:
    # position -(109 - 109 + 1) / 10 = -0.1 -> (2 / (1 + e^-0.5) - 1) / 0.98661
    expected = (2 / (1 + math.exp(-0.5)) - 1) / MAX_TP
    assert score_file(flags(109), [WINDOW]).raw == pytest.approx(expected)
    assert expected == pytest.approx(0.2482, abs=1e-4)


def test_only_the_first_detection_in_a_window_counts() -> None:
    assert score_file(flags(100, 105, 109), [WINDOW]).raw == pytest.approx(1.0)


def test_a_false_positive_before_any_window_costs_the_full_011() -> None:
    found = score_file(flags(50), [WINDOW])
    assert found.raw == pytest.approx(-1.0 - 0.11)
    assert (found.hits, found.false) == (0, 1)


def test_a_false_positive_just_after_a_window_costs_less() -> None:
    # one row past a 10-row window: position 1/9 -> 0.11 x (2 / (1 + e^(5/9)) - 1)
    expected = 0.11 * (2 / (1 + math.exp(5 / 9)) - 1)
    assert score_file(flags(100, 110), [WINDOW]).raw == pytest.approx(1.0 + expected)
    assert expected == pytest.approx(-0.0298, abs=1e-4)


def test_probationary_rows_are_never_scored() -> None:
    assert score_file(flags(5), [WINDOW]).raw == -1.0
    assert score_file(flags(5), [(2, 8)]).windows == 0  # a window inside probation does not count


def test_normalised_between_null_and_perfect() -> None:
    null = score_file(flags(), [WINDOW]).raw
    best = score_file(perfect(ROWS, [WINDOW]), [WINDOW]).raw
    assert (null, best) == (-1.0, pytest.approx(1.0))
    assert normalised(best, null, best) == pytest.approx(100.0)
    assert normalised(null, null, best) == 0.0
    assert normalised(0.0, null, best) == pytest.approx(50.0)
