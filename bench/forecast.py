"""The forecast's error on held-out days, against the naive "same as last week", side by side in one run:
`python -m bench.forecast [--data PATH] [--campaigns 300] [--horizon 7]`.

Two kinds of series, each forecast by domain.forecast (the goals' and the report's method) and by the naive rule:
- the NAB ad-exchange series (realAdExchange: hourly CPC and CPM of three exchanges, July-September 2011), made
  daily (the mean of each day's hours); every day from the 28th on is a forecast origin: the days before it are
  the history, the next `horizon` days are held out;
- synthetic campaigns with a known trend: 42 days of daily spend (a level, a trend of -2 % to +3 % of it a day, a
  weekly rhythm, multiplicative noise), the first 28 days as history and the last 14 held out (what a goal or a
  report projects: the rest of a period).
Errors: MAE of the daily values, scaled by the naive rule's MAE (MASE-like: below 1 is better than naive), sMAPE
of the daily values, and the absolute % error of the held-out days' total (what `goal` and `report` project).
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from domain import forecast

# The shared datasets sit beside the checkout (/work/main) or two levels up from a worktree (/work/wt/NAME).
DEFAULT_DATA = next((p / "shared" / "datasets" / "nab" for p in Path(__file__).resolve().parents[2:4]
                     if (p / "shared" / "datasets" / "nab").is_dir()),
                    Path(__file__).resolve().parents[2] / "shared" / "datasets" / "nab")
Method = Callable[[Sequence[float], int], list[float]]


def ours(history: Sequence[float], horizon: int) -> list[float]:
    found = forecast.daily(history, horizon)
    assert found is not None
    return found


def naive(history: Sequence[float], horizon: int) -> list[float]:
    return forecast.same_as_last_week(history, horizon)


def flat(history: Sequence[float], horizon: int) -> list[float]:
    """The mean of the last 7 days, for every day ahead (a second, simpler baseline)."""
    level = statistics.fmean(history[-7:])
    return [level] * horizon


METHODS: dict[str, Method] = {"mems": ours, "same as last week": naive, "last-7-day mean": flat}


@dataclass
class Errors:
    abs_errors: list[float] = field(default_factory=list)
    smape: list[float] = field(default_factory=list)
    total_pct: list[float] = field(default_factory=list)

    def add(self, predicted: Sequence[float], actual: Sequence[float]) -> None:
        for p, a in zip(predicted, actual, strict=True):
            self.abs_errors.append(abs(p - a))
            self.smape.append(0.0 if p == a == 0 else 2 * abs(p - a) / (abs(p) + abs(a)))
        total = sum(actual)
        if total:
            self.total_pct.append(abs(sum(predicted) - total) / abs(total))

    @property
    def mae(self) -> float:
        return statistics.fmean(self.abs_errors)


def daily_nab(data: Path) -> dict[str, list[float]]:
    series = {}
    for path in sorted((data / "data" / "realAdExchange").glob("*.csv")):
        by_day: dict[date, list[float]] = defaultdict(list)
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle):
                stamp = datetime.fromisoformat(row["timestamp"].split(".", maxsplit=1)[0])
                by_day[stamp.date()].append(float(row["value"]))
        days = sorted(by_day)
        complete = [d for d in days if len(by_day[d]) >= 20]  # the first and last days are partial
        series[path.stem] = [statistics.fmean(by_day[d]) for d in complete]
    return series


def synthetic(count: int, seed: int = 13) -> list[list[float]]:
    rng = random.Random(seed)
    campaigns = []
    for _ in range(count):
        level = rng.uniform(500, 5000)
        trend = rng.uniform(-0.02, 0.03) * level
        weekly = [1 + rng.uniform(-0.3, 0.3) for _ in range(7)]
        mean_weekly = statistics.fmean(weekly)
        weekly = [w / mean_weekly for w in weekly]
        noise = rng.uniform(0.05, 0.25)
        offset = rng.randrange(7)
        campaigns.append([max(0.0, (level + trend * t) * weekly[(t + offset) % 7] * (1 + rng.gauss(0, noise)))
                          for t in range(42)])
    return campaigns


def score(cases: Sequence[tuple[Sequence[float], Sequence[float]]]) -> dict[str, Errors]:
    results = {name: Errors() for name in METHODS}
    for history, held_out in cases:
        for name, method in METHODS.items():
            results[name].add(method(history, len(held_out)), held_out)
    return results


def table(title: str, results: dict[str, Errors], cases: int) -> list[str]:
    base = results["same as last week"].mae
    lines = [f"{title} ({cases} forecasts)",
             f"  {'method':<20} {'MAE / naive MAE':>16} {'sMAPE':>8} {'total: median abs % error':>27}"]
    for name, e in results.items():
        lines.append(f"  {name:<20} {e.mae / base:>16.3f} {statistics.fmean(e.smape):>8.1%} "
                     f"{statistics.median(e.total_pct):>27.1%}")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--campaigns", type=int, default=300)
    parser.add_argument("--horizon", type=int, default=7)
    args = parser.parse_args(argv)

    nab_cases = []
    for values in daily_nab(args.data).values():
        for origin in range(28, len(values) - args.horizon + 1):
            nab_cases.append((values[:origin], values[origin:origin + args.horizon]))
    out = table(f"NAB realAdExchange, daily means, next {args.horizon} days from each origin", score(nab_cases),
                len(nab_cases))
    campaigns = [(c[:28], c[28:]) for c in synthetic(args.campaigns)]
    out += ["", *table("synthetic campaigns with a known trend, the last 14 of 42 days held out", score(campaigns),
                       len(campaigns))]
    print("\n".join(out))


if __name__ == "__main__":
    main()
