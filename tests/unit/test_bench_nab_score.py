"""The NAB scorer against hand-worked cases: a 200-row file (30 probationary rows) with one window."""

from __future__ import annotations

import math

import pytest

from bench.nab_score import (
    MAX_TP,
    normalised,
    null_raw,
    perfect_raw,
    probation,
    scaled_sigmoid,
    score_file,
    sweep,
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
    assert scaled_sigmoid(3.0) == pytest.approx(-0.9999994, abs=1e-7)  # NAB cuts to -1 only beyond 3
    assert scaled_sigmoid(3.01) == -1.0


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


def test_a_false_positive_after_a_window_is_measured_in_window_widths_less_one() -> None:
    # 2 widths past a 10-row window: 18 rows past its last row (18 / 9 = 2) -> 0.11 x (2 / (1 + e^10) - 1)
    expected = 0.11 * (2 / (1 + math.exp(10)) - 1)
    assert score_file(flags(100, 127), [WINDOW]).raw == pytest.approx(1.0 + expected)
    assert expected == pytest.approx(-0.10999, abs=1e-5)


def test_normalised_between_null_and_perfect_as_nabs_runner_counts_them() -> None:
    files = [(ROWS, [WINDOW]), (ROWS, [(20, 40), (150, 160)])]  # (20, 40) reaches past the 30 probation rows
    assert null_raw(files) == -3.0
    assert perfect_raw(files) == 3.0  # A_TP for every labelled window
    assert score_file(flags(), [WINDOW]).raw == -1.0
    assert normalised(3.0, -3.0, 3.0) == pytest.approx(100.0)
    assert normalised(-3.0, -3.0, 3.0) == 0.0
    assert normalised(0.0, -3.0, 3.0) == pytest.approx(50.0)


def scores(**at: float) -> list[float]:
    values = [0.0] * ROWS
    for row, value in at.items():
        values[int(row[1:])] = value
    return values


def test_the_sweep_picks_the_threshold_that_scores_best_over_all_files() -> None:
    # file A: the window's first row scores 0.9, one false positive before it 0.95, another at 0.5
    # file B: a window found only at 0.5 (its first row), and a false positive at 0.8
    a = scores(r100=0.9, r50=0.95, r60=0.5)
    b = scores(r100=0.5, r70=0.8)
    # >= 0.95: -1 - 0.11 (A) - 1 (B) = -2.11; >= 0.9: 1 - 0.11 - 1 = -0.11; >= 0.8: -0.22;
    # >= 0.5: 1 - 0.22 + 1 - 0.11 = 1.67, the best
    threshold, raw = sweep([(a, [WINDOW]), (b, [WINDOW])])
    assert threshold == 0.5
    assert raw == pytest.approx(1.67)


def test_the_sweep_prefers_the_null_detector_when_every_detection_costs() -> None:
    threshold, raw = sweep([(scores(r50=0.9, r60=0.8), [WINDOW])])
    assert (threshold, raw) == (math.inf, -1.0)


def test_the_sweep_counts_ties_together_and_ignores_probation() -> None:
    tied = scores(r100=0.7, r120=0.7, r5=1.0)  # r5 is probationary; r120 is a false positive 11 rows past
    threshold, raw = sweep([(tied, [WINDOW])])
    past = 0.11 * (2 / (1 + math.exp(5 * 11 / 9)) - 1)
    assert threshold == 0.7
    assert raw == pytest.approx(1.0 + past)
