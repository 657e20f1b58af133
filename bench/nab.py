"""Score MEMS's anomaly detector on the labelled NAB series, against the null detector and NAB's windowed
Gaussian, in one run: `python -m bench.nab [--data PATH] [--corpus realAdExchange ...]`.

The detector is domain.anomaly, the code that watches campaigns, with the product's rules moved one step
down in cadence: a day becomes an hour, a week becomes a day. So the phase is the hour of day (as the
weekday is for campaigns), a cycle is a day (as a week is), the seasonal baseline is trusted from 3
same-hour observations (as from 3 same weekdays), at least a day of history is needed (as 7 days is a
week), and an anomaly is told when it starts: not if the metric was already unusual the same way during
the step before (the hour before, as the day before). One departure: the history is the last 7 days, not
4 (as 28 days would map), since hourly data needs more than 4 observations per hour of day. Threshold,
minimum change, spread rule and extremes are the product's. Each row is judged against the rows before it.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import numpy as np

from bench.nab_score import normalised, null_raw, perfect_raw, row_weights, score_rows, sweep
from domain.anomaly import DAILY, Judgement, Point, Rules, judge, starts, unusual

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "nab"
CORPORA = ("realAdExchange", "realTraffic", "realTweets")
HOURLY = replace(DAILY, window=7 * 24, min_history=24, season=24)
HISTORY = timedelta(hours=HOURLY.window)
STEP = timedelta(hours=1)
GAUSSIAN_WINDOW, GAUSSIAN_STEP = 6400, 100  # NAB's windowed Gaussian: window tuned on NAB, slid 100 rows at a time
NAB_GAUSSIAN_THRESHOLD = 1.0  # what NAB's optimiser chose for it on the whole NAB corpus (config/thresholds.json)


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


def mems_alerts(series: Series, rules: Rules = HOURLY, history: timedelta = HISTORY,
                told_once: bool = True) -> list[int]:
    """The rows MEMS alerts on: unusual against the last 7 days, and the start of the anomaly."""
    times = series.times
    points = [Point(t.hour, v, t.toordinal()) for t, v in zip(times, series.values, strict=True)]
    alerts: list[int] = []
    recent: deque[tuple[datetime, Judgement | None]] = deque()  # the judgements of the step before
    left = 0
    for i, now in enumerate(times):
        while times[left] < now - history:
            left += 1
        while recent and recent[0][0] < now - STEP:
            recent.popleft()
        j = judge(points[left:i], points[i], rules) if i > 0 and now - times[left] >= timedelta(days=1) else None
        if j is not None and unusual(j, rules) and (not told_once or starts(j, (b for _, b in recent), rules)):
            alerts.append(i)
        recent.append((now, j))
    return alerts


def gaussian_scores(series: Series) -> list[float]:
    """NAB's windowedGaussian detector, row for row: 1 - Q(|z|) against the mean and (population) standard
    deviation of the rows before, the first 6,400 of them while the window fills, then a window of 6,400
    moved on 100 rows at a time. The score saturates at 1.0 from |z| of about 8.3, as NAB's does."""
    values = series.values
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

    def __init__(self, name: str, series: list[Series]) -> None:
        self.name = name
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

    def tuned(self, name: str, scores: list[list[float]], cooldown: Callable[[Series], int]) -> Result:
        """The best of the thresholds worth trying, with a cooldown (which NAB's sweep cannot model)."""
        return max((self.at(name, t, scores, cooldown) for t in top_scores(scores)), key=lambda r: r.score)


def top_scores(scores: list[list[float]], share: float = 0.05, most: int = 400) -> list[float]:
    """Thresholds worth trying with a cooldown: the distinct scores among the highest 5 % of rows (thinned to
    about `most` by rank); a higher alert rate costs more in false positives than any window can give back."""
    ranked = sorted((x for sc in scores for x in sc), reverse=True)
    ranked = ranked[: max(1, int(share * len(ranked)))]
    return sorted(set(ranked[:: max(1, len(ranked) // most)]) | set(ranked[:most // 2]), reverse=True)


def steps_per_day(s: Series) -> int:
    return max(1, round(len(s.times) / max((s.times[-1] - s.times[0]) / timedelta(days=1), 1)))


def nab_threshold(corpora: list[Corpus], gauss: dict[str, list[list[float]]]) -> float:
    """NAB's optimiser over the whole corpus: one threshold for every file of every corpus in the run."""
    threshold, _ = sweep([(sc, s.windows) for c in corpora for s, sc in zip(c.series, gauss[c.name], strict=True)])
    return threshold


def run_corpus(c: Corpus, gauss: list[list[float]], mems: list[list[int]], whole: float) -> list[Result]:
    alone, _ = sweep([(sc, s.windows) for s, sc in zip(c.series, gauss, strict=True)])
    return [
        c.result("null", None, [[] for _ in c.series]),
        c.at("windowed Gaussian, NAB's threshold", NAB_GAUSSIAN_THRESHOLD, gauss, lambda s: 0),
        c.at("windowed Gaussian, tuned on all corpora", whole, gauss, lambda s: 0),
        c.at("windowed Gaussian, tuned on this one", alone, gauss, lambda s: 0),
        c.tuned("windowed Gaussian, tuned here, 1/day", gauss, steps_per_day),
        c.result("MEMS, product rules", HOURLY.threshold, mems),
    ]


def show(corpus: str, results: list[Result]) -> None:
    print(f"\n{corpus}")
    print(f"  {'detector':40} {'threshold':>19} {'NAB score':>10} {'precision':>10} {'recall':>7} {'alerts':>7}")
    for r in results:
        threshold = f"{r.threshold:.16g}" if r.threshold is not None else "-"
        print(f"  {r.name:40} {threshold:>19} {r.score:10.1f} {r.precision:10.2f} {r.recall:7.2f} {r.detections:7d}")
    ours = results[-1].score
    print("  MEMS minus the Gaussian: " + ", ".join(f"{ours - r.score:+.1f} ({r.name.split(', ', 1)[1]})"
                                                   for r in results if r.name.startswith("windowed")))


ABLATIONS: dict[str, dict[str, object]] = {  # each the product's rules with one thing changed
    "spread from the 90th percentile, as before": {"rules": replace(HOURLY, spread_quantile=0.9, spread_outliers=0)},
    "no usual-extremes rule": {"rules": replace(HOURLY, beyond=0.0)},
    "every unusual row alerts (no told-once)": {"told_once": False},
    "history 14 days, as before": {"history": timedelta(days=14)},
    "history 4 days (28 days mapped)": {"history": timedelta(days=4)},
    "threshold 3.5 spreads": {"rules": replace(HOURLY, threshold=3.5)},
    "threshold 4.5 spreads": {"rules": replace(HOURLY, threshold=4.5)},
    "extremes exceeded by 0 %": {"rules": replace(HOURLY, beyond=1.0)},
    "extremes exceeded by 25 %": {"rules": replace(HOURLY, beyond=1.25)},
    "extremes of every cycle": {"rules": replace(HOURLY, extremes_per_cycle=1.0)},
    "extremes of every fourth cycle": {"rules": replace(HOURLY, extremes_per_cycle=0.25)},
}


def ablations(corpora: list[Corpus], pool: ProcessPoolExecutor) -> None:
    """MEMS with one rule changed at a time: what each rule is worth, and how sharp the chosen values are."""
    print(f"\nAblations (NAB score; {', '.join(c.name for c in corpora)})")
    for label, change in ABLATIONS.items():
        run = partial(mems_alerts, **change)  # type: ignore[arg-type]
        scores = [c.result(label, None, list(pool.map(run, c.series, chunksize=1))).score for c in corpora]
        print(f"  {label:45} " + " ".join(f"{x:7.1f}" for x in scores))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--corpus", nargs="*", default=list(CORPORA))
    parser.add_argument("--ablations", action="store_true", help="also run MEMS with one rule changed at a time")
    args = parser.parse_args()
    print("NAB standard profile (A_TP 1, A_FP -0.11, A_FN -1); 0 = null detector, 100 = perfect.")
    print("precision: detections inside a window / all detections; recall: windows found / windows.")
    print("Gaussian thresholds are its score 1 - Q(|z|); MEMS runs with the product's fixed rules.")
    began = time.perf_counter()
    corpora = [Corpus(name, load(args.data, name)) for name in args.corpus]
    every = [s for c in corpora for s in c.series]
    with ProcessPoolExecutor() as pool:
        mems_all = list(pool.map(mems_alerts, every, chunksize=1))
        gauss_all = list(pool.map(gaussian_scores, every, chunksize=1))
        if args.ablations:
            ablations(corpora, pool)
    gauss: dict[str, list[list[float]]] = {}
    mems: dict[str, list[list[int]]] = {}
    for c in corpora:
        gauss[c.name], gauss_all = gauss_all[:len(c.series)], gauss_all[len(c.series):]
        mems[c.name], mems_all = mems_all[:len(c.series)], mems_all[len(c.series):]
    whole = nab_threshold(corpora, gauss)
    for c in corpora:
        show(c.name, run_corpus(c, gauss[c.name], mems[c.name], whole))
    print(f"\n{time.perf_counter() - began:.0f} s; the Gaussian 'tuned on all corpora' threshold is NAB's optimiser "
          f"over {', '.join(args.corpus)}: {whole:.16g}")


if __name__ == "__main__":
    main()
