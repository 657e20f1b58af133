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

from bench.nab_score import FileScore, normalised, perfect, score_file
from domain.anomaly import DAILY, Point, Rules, judge

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "nab"
CORPORA = ("realAdExchange", "realTraffic")
HOURLY = replace(DAILY, window=14 * 24, min_history=24, season=24)
HISTORY = timedelta(days=14)
MIN_SPAN = timedelta(days=1)
GAUSSIAN_WINDOW = 6400  # NAB's tuned window for its windowed Gaussian: longer than any file here
THRESHOLDS = tuple(x / 4 for x in range(4, 41))  # |z| from 1.0 to 10.0
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


def gaussian_scores(times: Sequence[datetime], values: Sequence[float]) -> list[float]:
    """|z| against the mean and standard deviation of the previous rows (NAB's windowed Gaussian)."""
    out, total, squares = [], 0.0, 0.0
    for i, value in enumerate(values):
        if i >= GAUSSIAN_WINDOW:
            total -= values[i - GAUSSIAN_WINDOW]
            squares -= values[i - GAUSSIAN_WINDOW] ** 2
        count = min(i, GAUSSIAN_WINDOW)
        if count < 2:
            out.append(0.0)
        else:
            mean = total / count
            std = math.sqrt(max(squares / count - mean * mean, 0.0)) or 1e-6
            out.append(abs(value - mean) / std)
        total += value
        squares += value * value
    return out


def detections(scores: Sequence[float], threshold: float, cooldown: int) -> list[bool]:
    """Rows at or above the threshold; after one, the next `cooldown` rows stay quiet (one alert per period)."""
    flags, quiet_until = [], -1
    for i, score in enumerate(scores):
        hit = score >= threshold and i > quiet_until
        flags.append(hit)
        if hit:
            quiet_until = i + cooldown
    return flags


@dataclass(frozen=True)
class Result:
    name: str
    threshold: float | None
    score: float
    precision: float
    recall: float
    detections: int


def evaluate(series: list[Series], flags: list[list[bool]]) -> tuple[float, int, int, int, int]:
    scores: list[FileScore] = [score_file(f, s.windows) for s, f in zip(series, flags, strict=True)]
    raw = sum(s.raw for s in scores)
    return raw, sum(s.windows for s in scores), sum(s.found for s in scores), sum(s.hits for s in scores), \
        sum(s.detections for s in scores)


def result(name: str, threshold: float | None, series: list[Series], flags: list[list[bool]],
           bounds: tuple[float, float]) -> Result:
    raw, windows, found, hits, total = evaluate(series, flags)
    return Result(name, threshold, normalised(raw, *bounds), hits / total if total else 0.0,
                  found / windows if windows else 0.0, total)


def tuned(name: str, series: list[Series], scores: list[list[float]], bounds: tuple[float, float],
          cooldown: Callable[[Series], int]) -> Result:
    """The best threshold on the corpus: the same sweep for every detector, as NAB's optimiser does."""
    options = [result(name, t, series, [detections(sc, t, cooldown(s)) for s, sc in zip(series, scores, strict=True)],
                      bounds) for t in THRESHOLDS]
    return max(options, key=lambda r: r.score)


def steps_per_day(s: Series) -> int:
    return max(1, round(len(s.times) / max((s.times[-1] - s.times[0]) / timedelta(days=1), 1)))


def run_corpus(data: Path, corpus: str) -> list[Result]:
    series = load(data, corpus)
    null_raw, _, _, _, _ = evaluate(series, [[False] * len(s.values) for s in series])
    best_raw, _, _, _, _ = evaluate(series, [perfect(len(s.values), s.windows) for s in series])
    bounds = (null_raw, best_raw)
    mems = [mems_scores(s.times, s.values) for s in series]
    gauss = [gaussian_scores(s.times, s.values) for s in series]
    per_day = steps_per_day
    results = [
        result("null", None, series, [[False] * len(s.values) for s in series], bounds),
        tuned("windowed Gaussian", series, gauss, bounds, lambda s: 0),
        tuned("windowed Gaussian, 1 alert/day", series, gauss, bounds, per_day),
        result("MEMS, product rules", HOURLY.threshold, series,
               [detections(sc, HOURLY.threshold, per_day(s)) for s, sc in zip(series, mems, strict=True)], bounds),
        tuned("MEMS, tuned threshold", series, mems, bounds, per_day),
    ]
    for q in TAILS:
        rules = replace(HOURLY, spread_quantile=q)
        scores = [mems_scores(s.times, s.values, rules) for s in series]
        results.append(tuned(f"MEMS, tuned threshold, spread q={q}", series, scores, bounds, per_day))
    return results


def show(corpus: str, results: list[Result], seconds: float) -> None:
    print(f"\n{corpus}  ({seconds:.1f} s)")
    print(f"  {'detector':40} {'|z|>=':>6} {'NAB score':>10} {'precision':>10} {'recall':>7} {'alerts':>7}")
    for r in results:
        threshold = f"{r.threshold:.2f}" if r.threshold is not None else "-"
        print(f"  {r.name:40} {threshold:>6} {r.score:10.1f} {r.precision:10.2f} {r.recall:7.2f} {r.detections:7d}")
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
    for corpus in args.corpus:
        began = time.perf_counter()
        results = run_corpus(args.data, corpus)
        show(corpus, results, time.perf_counter() - began)


if __name__ == "__main__":
    main()
