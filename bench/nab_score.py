"""NAB standard-profile scoring: anomaly windows, the scaled sigmoid, A_TP 1, A_FP -0.11, A_FN -1, the
probationary period, and the score normalised between the null and the perfect detector.

Written from the rules in the NAB paper and its sweeper (Lavin & Ahmad 2015; numenta/NAB nab/sweeper.py):
- the first 15 % of a file (at most 750 rows) is probationary: nothing there is scored;
- a detection inside a window scores A_TP x sigmoid(position) / sigmoid(-1), where position runs from -1
  at the window's first row towards 0 at its last; only the best (= first) detection of a window counts;
- a window without a detection scores A_FN;
- a detection outside every window scores A_FP x scaled sigmoid of its distance past the last window
  (relative to that window's width), or the full A_FP before the first window.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

A_TP, A_FP, A_FN = 1.0, 0.11, 1.0  # the standard profile's weights (A_FP and A_FN are subtracted)
PROBATION = 0.15


def scaled_sigmoid(position: float) -> float:
    """+0.987 at the left edge of a window (-1), 0 at its right edge, towards -1 far past it."""
    if position >= 3.0:
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
        else:
            past = 3.0 if previous is None else abs(previous[1] - i) / max(previous[1] - previous[0], 1)
            out.append((None, scaled_sigmoid(past) * A_FP))
    return out


def score_file(detected: Sequence[bool], windows: Sequence[tuple[int, int]]) -> FileScore:
    """Score one file's detections (one flag per row) against its windows (first and last row index)."""
    start = probation(len(detected))
    weights = row_weights(len(detected), windows)
    counted = {w for i, (w, _) in enumerate(weights) if i >= start and w is not None}
    best: dict[int, float] = {}
    fp_total, hits, false = 0.0, 0, 0
    for i in range(start, len(detected)):
        if not detected[i]:
            continue
        window, weight = weights[i]
        if window is None:
            fp_total += weight
            false += 1
        else:
            hits += 1
            best[window] = max(best.get(window, -math.inf), weight)
    raw = fp_total + sum(best.values()) - A_FN * (len(counted) - len(best))
    return FileScore(raw, len(counted), len(best), hits, false)


def perfect(rows: int, windows: Sequence[tuple[int, int]]) -> list[bool]:
    """The perfect detector: one detection at the first scorable row of every window."""
    start = probation(rows)
    flags = [False] * rows
    for left, right in windows:
        if right >= start:
            flags[max(left, start)] = True
    return flags


def normalised(raw: float, null: float, best: float) -> float:
    """100 for the perfect detector, 0 for the one that never detects anything."""
    return 100.0 * (raw - null) / (best - null) if best != null else 0.0
