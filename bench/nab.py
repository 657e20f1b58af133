"""Score MEMS's anomaly detector on the labelled NAB series, against the null detector and a windowed
Gaussian, in one run: `python -m bench.nab [--data PATH] [--corpus realAdExchange ...]`.

The detector is domain.anomaly.judge, the code that watches campaigns, moved from daily to the series'
cadence one step down: a day becomes an hour, a week becomes a day. So the phase is the hour of day
(as the weekday is for campaigns), at least one day of history is needed (as 7 days is one week), the
seasonal baseline is trusted from 3 same-hour observations (as from 3 same weekdays), and one alert per
day at most (as one per campaign per day). One departure: the history is the last 14 days, not 4, since
hourly noise needs more observations per hour of day than daily noise per weekday. Each row is judged
against the rows before it only; the spread rule, threshold and minimum change are the product's.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from bench.nab_score import normalised, null_raw, perfect_raw, row_weights, score_rows, sweep
from domain.anomaly import DAILY, Point, Rules, judge

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "nab"
CORPORA = ("realAdExchange", "realTraffic")
HOURLY = replace(DAILY, window=14 * 24, min_history=24, season=24)
HISTORY = timedelta(days=14)
MIN_SPAN = timedelta(days=1)
GAUSSIAN_WINDOW, GAUSSIAN_STEP = 6400, 100  # NAB's windowed Gaussian: window tuned on NAB, slid 100 rows at a time
NAB_GAUSSIAN_THRESHOLD = 1.0  # what NAB's optimiser chose for it on the whole NAB corpus (config/thresholds.json)
THRESHOLDS = tuple(x / 4 for x in range(4, 41))  # |z| from 1.0 to 10.0, for detectors swept with a cooldown
TAILS = (0.95, 0.98)  # other quantiles of the noise to read the spread from (the product uses DAILY's)
Scorer = Callable[[Sequence[datetime], Sequence[float]], list[float]]


@dataclass
class Series:
    name: str
    times: list[datetime]
    values: list[float]
    windows: list[tuple[int, int]]


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.split(".", maxsplit=1)[0])


def load(data: Path, corpus: str) -> list[Series]:
    labels = json.loads((data / "labels" / "combined_windows.json").read_text())
    found = []
    for path in sorted((data / "data" / corpus).glob("*.csv")):
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        times = [_stamp(r["timestamp"]) for r in rows]
        index = {t: i for i, t in enumerate(times)}
        windows = [(index[_stamp(a)], index[_stamp(b)]) for a, b in labels[f"{corpus}/{path.name}"]]
        found.append(Series(path.name, times, [float(r["value"]) for r in rows], windows))
    return found


def mems_scores(times: Sequence[datetime], values: Sequence[float], rules: Rules = HOURLY) -> list[float]:
    """|robust z| of each row against its own last four days, 0 where the move is too small to matter."""
    out, left = [], 0
    for i, (now, value) in enumerate(zip(times, values, strict=True)):
        while times[left] < now - HISTORY:
            left += 1
        if i == 0 or now - times[left] < MIN_SPAN:
            out.append(0.0)
            continue
        history = [Point(times[k].hour, values[k]) for k in range(left, i)]
        j = judge(history, Point(now.hour, value), rules)
        change = j.change if j else None
        big = j is not None and (change is None or abs(change) >= rules.min_change)
        out.append(abs(j.z) if j is not None and big else 0.0)
    return out


def gaussian_scores(values: Sequence[float]) -> list[float]:
    """NAB's windowedGaussian detector, row for row: 1 - Q(|z|) against the mean and (population) standard
    deviation of the rows before, the first 6,400 of them while the window fills, then a window of 6,400
    moved on 100 rows at a time. The score saturates at 1.0 from |z| of about 8.3, as NAB's does."""
    data = np.asarray(values, dtype=float)
    out, span, mean, std = [], (0, 0), 0.0, 1.0
    for i, value in enumerate(values):
        if i <= GAUSSIAN_WINDOW:
            now = (0, i)
        else:
            low = GAUSSIAN_STEP * ((i - GAUSSIAN_WINDOW) // GAUSSIAN_STEP)
            now = (low, low + GAUSSIAN_WINDOW)
        if now != span and now[1] > now[0]:
            span = now
            window = data[span[0]:span[1]]
            mean, std = float(np.mean(window)), float(np.std(window)) or 0.000001
        z = ((value if value >= mean else 2 * mean - value) - mean) / std  # NAB's flip, to the last bit
        out.append(0.0 if i == 0 else 1.0 - 0.5 * math.erfc(z / math.sqrt(2)))
    return out


def detections(scores: Sequence[float], threshold: float, cooldown: int) -> list[int]:
    """Rows at or above the threshold; after one, the next `cooldown` rows stay quiet (one alert per period)."""
    found: list[int] = []
    for i, score in enumerate(scores):
        if score >= threshold and (not found or i > found[-1] + cooldown):
            found.append(i)
    return found


@dataclass(frozen=True)
class Result:
    name: str
    threshold: float | None
    score: float
    precision: float
    recall: float
    detections: int


class Corpus:
    """The series of one corpus, their NAB weights computed once, and the null and perfect raw scores."""

    def __init__(self, series: list[Series]) -> None:
        self.series = series
        self.weights = [row_weights(len(s.values), s.windows) for s in series]
        files = [(len(s.values), s.windows) for s in series]
        self.bounds = (null_raw(files), perfect_raw(files))

    def result(self, name: str, threshold: float | None, found: list[list[int]]) -> Result:
        scores = [score_rows(len(s.values), f, s.windows, w)
                  for s, f, w in zip(self.series, found, self.weights, strict=True)]
        total = sum(f.detections for f in scores)
        windows = sum(f.windows for f in scores)
        return Result(name, threshold, normalised(sum(f.raw for f in scores), *self.bounds),
                      sum(f.hits for f in scores) / total if total else 0.0,
                      sum(f.found for f in scores) / windows if windows else 0.0, total)

    def at(self, name: str, threshold: float, scores: list[list[float]], cooldown: Callable[[Series], int]) -> Result:
        return self.result(name, threshold, [detections(sc, threshold, cooldown(s))
                                             for s, sc in zip(self.series, scores, strict=True)])

    def nab_tuned(self, name: str, scores: list[list[float]]) -> Result:
        """The threshold NAB's optimiser would pick on this corpus: every distinct score tried, no cooldown."""
        threshold, _ = sweep([(sc, s.windows) for s, sc in zip(self.series, scores, strict=True)])
        return self.at(name, threshold, scores, lambda s: 0)

    def tuned(self, name: str, scores: list[list[float]], cooldown: Callable[[Series], int],
              grid: Sequence[float] = THRESHOLDS) -> Result:
        """The best threshold of a grid, for detectors with a cooldown (which NAB's sweep cannot model)."""
        candidates = [[(i, x) for i, x in enumerate(sc) if x >= min(grid)] for sc in scores]
        options = []
        for t in grid:
            found = [detections([x if x >= t else -math.inf for _, x in c], t, 0) for c in candidates]
            found = [_cool([c[k][0] for k in f], cooldown(s)) for s, c, f in zip(self.series, candidates, found,
                                                                                   strict=True)]
            options.append(self.result(name, t, found))
        return max(options, key=lambda r: r.score)


def _cool(rows: list[int], cooldown: int) -> list[int]:
    kept: list[int] = []
    for i in rows:
        if not kept or i > kept[-1] + cooldown:
            kept.append(i)
    return kept


def top_scores(scores: list[list[float]], share: float = 0.05, most: int = 400) -> list[float]:
    """Thresholds worth trying with a cooldown: the distinct scores among the highest 5 % of rows (thinned to
    about `most` by rank); a higher alert rate costs more in false positives than any window can give back."""
    ranked = sorted((x for sc in scores for x in sc), reverse=True)
    ranked = ranked[: max(1, int(share * len(ranked)))]
    return sorted(set(ranked[:: max(1, len(ranked) // most)]) | set(ranked[:most // 2]), reverse=True)


def steps_per_day(s: Series) -> int:
    return max(1, round(len(s.times) / max((s.times[-1] - s.times[0]) / timedelta(days=1), 1)))


def run_corpus(data: Path, corpus: str) -> list[Result]:
    c = Corpus(load(data, corpus))
    mems = [mems_scores(s.times, s.values) for s in c.series]
    gauss = [gaussian_scores(s.values) for s in c.series]
    per_day = steps_per_day
    results = [
        c.result("null", None, [[] for _ in c.series]),
        c.at("windowed Gaussian, NAB's threshold", NAB_GAUSSIAN_THRESHOLD, gauss, lambda s: 0),
        c.nab_tuned("windowed Gaussian, tuned here", gauss),
        c.tuned("windowed Gaussian, tuned, 1 alert/day", gauss, per_day, top_scores(gauss)),
        c.at("MEMS, product rules", HOURLY.threshold, mems, per_day),
        c.tuned("MEMS, tuned threshold", mems, per_day),
    ]
    for q in TAILS:
        rules = replace(HOURLY, spread_quantile=q)
        scores = [mems_scores(s.times, s.values, rules) for s in c.series]
        results.append(c.tuned(f"MEMS, tuned threshold, spread q={q}", scores, per_day))
    return results


def show(corpus: str, results: list[Result], seconds: float) -> None:
    print(f"\n{corpus}  ({seconds:.1f} s)")
    print(f"  {'detector':40} {'threshold':>12} {'NAB score':>10} {'precision':>10} {'recall':>7} {'alerts':>7}")
    for r in results:
        threshold = f"{r.threshold:.10g}" if r.threshold is not None else "-"
        print(f"  {r.name:40} {threshold:>12} {r.score:10.1f} {r.precision:10.2f} {r.recall:7.2f} {r.detections:7d}")
    gauss = max(r.score for r in results if r.name.startswith("windowed"))
    ours = max(r.score for r in results if r.name.startswith("MEMS"))
    print(f"  MEMS minus the best windowed Gaussian: {ours - gauss:+.1f} points")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--corpus", nargs="*", default=list(CORPORA))
    args = parser.parse_args()
    print("NAB standard profile (A_TP 1, A_FP -0.11, A_FN -1); 0 = null detector, 100 = perfect.")
    print("precision: detections inside a window / all detections; recall: windows found / windows.")
    print("Gaussian thresholds are its score 1 - Q(|z|); MEMS thresholds are |robust z|.")
    for corpus in args.corpus:
        began = time.perf_counter()
        results = run_corpus(args.data, corpus)
        show(corpus, results, time.perf_counter() - began)


if __name__ == "__main__":
    main()
