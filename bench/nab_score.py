"""NAB standard-profile scoring: anomaly windows, the scaled sigmoid, A_TP 1, A_FP -0.11, A_FN -1, the
probationary period, NAB's threshold sweep, and the score normalised between the null and perfect detectors.

Follows numenta/NAB (nab/sweeper.py, nab/optimizer.py, nab/runner.py normalize) at the commit the data comes
from (ea702d7):
- the first 15 % of a file (at most 750 rows) is probationary: nothing there is scored, and a window none of
  whose rows lies past it does not count;
- a detection inside a window scores A_TP x sigmoid(position) / sigmoid(-1), where position runs from -1
  at the window's first row towards 0 at its last; only the best (= first) detection of a window counts;
- a window without a detection scores -A_FN;
- a detection outside every window scores A_FP x scaled sigmoid of its distance past the last window
  (relative to that window's width less one), or -A_FP before the first window;
- the threshold is the one that maximises the raw score of the whole corpus, found by sweeping every
  distinct anomaly score (a row is a detection when its score is at or above the threshold);
- normalised = 100 x (raw - null) / (perfect - null), where null is the raw score of the detector that never
  fires and perfect is A_TP x the number of windows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

A_TP, A_FP, A_FN = 1.0, 0.11, 1.0  # the standard profile's weights (A_FP and A_FN are subtracted)
PROBATION = 0.15


def scaled_sigmoid(position: float) -> float:
    """+0.987 at the left edge of a window (-1), 0 at its right edge, towards -1 far past it."""
    if position > 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


MAX_TP = scaled_sigmoid(-1.0)


def probation(rows: int) -> int:
    return int(min(math.floor(PROBATION * rows), PROBATION * 5000))


@dataclass(frozen=True)
class FileScore:
    raw: float
    windows: int  # windows that count (reach past the probationary period)
    found: int  # windows with at least one detection
    hits: int  # detections inside windows
    false: int  # detections outside every window

    @property
    def detections(self) -> int:
        return self.hits + self.false


def row_weights(rows: int, windows: Sequence[tuple[int, int]]) -> list[tuple[int | None, float]]:
    """For each row: the window it lies in (None: outside all) and what a detection there would score."""
    out: list[tuple[int | None, float]] = []
    current = 0
    previous: tuple[int, int] | None = None
    for i in range(rows):
        while current < len(windows) and windows[current][1] < i:
            previous = windows[current]
            current += 1
        if current < len(windows) and windows[current][0] <= i <= windows[current][1]:
            left, right = windows[current]
            position = -(right - i + 1) / (right - left + 1)
            out.append((current, scaled_sigmoid(position) * A_TP / MAX_TP))
        elif previous is None:
            out.append((None, -A_FP))
        else:
            past = abs(previous[1] - i) / max(previous[1] - previous[0], 1)
            out.append((None, scaled_sigmoid(past) * A_FP))
    return out


def counted_windows(rows: int, windows: Sequence[tuple[int, int]]) -> int:
    return sum(1 for _, right in windows if right >= probation(rows))


def score_file(detected: Sequence[bool], windows: Sequence[tuple[int, int]]) -> FileScore:
    """Score one file's detections (one flag per row) against its windows (first and last row index)."""
    return score_rows(len(detected), [i for i, flag in enumerate(detected) if flag], windows)


def score_rows(rows: int, detected: Iterable[int], windows: Sequence[tuple[int, int]],
               weights: Sequence[tuple[int | None, float]] | None = None) -> FileScore:
    """The same from the indices of the rows detected (`weights`: row_weights, when the caller keeps them)."""
    start = probation(rows)
    weights = row_weights(rows, windows) if weights is None else weights
    best: dict[int, float] = {}
    fp_total, hits, false = 0.0, 0, 0
    for i in detected:
        if i < start:
            continue
        window, weight = weights[i]
        if window is None:
            fp_total += weight
            false += 1
        else:
            hits += 1
            best[window] = max(best.get(window, -math.inf), weight)
    counted = counted_windows(rows, windows)
    raw = fp_total + sum(best.values()) - A_FN * (counted - len(best))
    return FileScore(raw, counted, len(best), hits, false)


def sweep(files: Sequence[tuple[Sequence[float], Sequence[tuple[int, int]]]]) -> tuple[float, float]:
    """NAB's optimiser: (threshold, raw score) of the best threshold over all files at once.

    Every scored row of every file is visited from the highest anomaly score down; after each run of equal
    scores the corpus score is what "detect at this score and above" gives."""
    rows: list[tuple[float, float, tuple[int, int] | None]] = []
    windows = 0
    for f, (scores, limits) in enumerate(files):
        start = probation(len(scores))
        windows += counted_windows(len(scores), limits)
        weights = row_weights(len(scores), limits)
        rows += [(scores[i], weights[i][1], None if weights[i][0] is None else (f, weights[i][0]))
                 for i in range(start, len(scores))]
    rows.sort(key=lambda r: r[0], reverse=True)
    found: dict[tuple[int, int], float] = {}
    fp_total, window_total = 0.0, -A_FN * windows
    best = (math.inf, window_total)  # a threshold above every score: the null detector
    for k, (score, weight, window) in enumerate(rows):
        if window is None:
            fp_total += weight
        elif window not in found:
            found[window] = weight
            window_total += A_FN + weight
        elif weight > found[window]:
            window_total += weight - found[window]
            found[window] = weight
        if (k + 1 == len(rows) or rows[k + 1][0] != score) and fp_total + window_total > best[1]:
            best = (score, fp_total + window_total)
    return best


def null_raw(files: Sequence[tuple[int, Sequence[tuple[int, int]]]]) -> float:
    """The detector that never fires: every window that counts is missed."""
    return -A_FN * sum(counted_windows(rows, limits) for rows, limits in files)


def perfect_raw(files: Sequence[tuple[int, Sequence[tuple[int, int]]]]) -> float:
    """As NAB's runner counts it: A_TP for every labelled window."""
    return A_TP * sum(len(limits) for _, limits in files)


def normalised(raw: float, null: float, best: float) -> float:
    """100 for the perfect detector, 0 for the one that never detects anything."""
    return 100.0 * (raw - null) / (best - null) if best != null else 0.0
