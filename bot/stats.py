"""The statistics of an A/B test, on maintained engines (statsmodels, scipy, numpy): per variant the rate, the lift
against the control with its 95 % interval, the chance to be best, and the sequential rule that says when a
result may be announced.

- Rates (CTR, CVR): the lift's interval is statsmodels' `confint_proportions_2indep` on the ratio of the two rates
  (Katz's log method); the chance to be best samples each variant's Beta(1 + successes, 1 + failures) posterior.
- ROI and CPA: each day with metrics is one observation; the interval is Welch's for the difference of the daily
  means (statsmodels' CompareMeans), divided by the control's mean; the chance to be best samples each mean's
  normal posterior.
- The sequential rule is the mixture SPRT (Johari, Pekelis and Walsh, "Always valid inference", 2017): with the
  difference d, its variance v and a normal mixture of scale tau over the effect, the likelihood ratio is
  N(d; 0, v + tau^2) / N(d; 0, v) (scipy's normal density); 1 / ratio is a p-value that stays valid however often
  one looks. A variant is decided when it falls to 5 % (split evenly over the variants against the control).
  tau is 15 % of the control's value: lifts of that order are what a marketing test hopes to find.
The sampling is seeded, so the same figures always read the same.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from domain.abtest import LOWER_IS_BETTER, RATES, Arm, Experiment, reached_plan

ALPHA = 0.05
TAU_SHARE = 0.15
DRAWS = 20_000
SEED = 13


@dataclass(frozen=True, slots=True)
class VariantResult:
    name: str
    sample: int
    value: float | None  # the rate (CTR, CVR) or the variant's own ROI / CPA over its whole sample
    lift: float | None  # relative to the control: +0.12 is 12 % better... or higher (CPA: lower is better)
    low: float | None
    high: float | None
    chance_best: float | None
    p_sequential: float | None  # always-valid p-value against the control


@dataclass(frozen=True, slots=True)
class Result:
    variants: tuple[VariantResult, ...]
    planned: bool  # every variant reached the planned sample
    decided: bool
    winner: str | None  # None with decided: no variant differs, the control stays
    reason: str | None  # "boundary" | "planned_sample"


def msprt_p(diff: float, var: float, tau: float) -> float:
    """The mixture SPRT's p-value for a difference `diff` with variance `var` (normal mixture of scale `tau`)."""
    from scipy.stats import norm

    if var <= 0 or tau <= 0:
        return 1.0
    log_ratio = float(norm.logpdf(diff, 0, math.sqrt(var + tau * tau)) - norm.logpdf(diff, 0, math.sqrt(var)))
    return min(1.0, math.exp(-log_ratio)) if log_ratio < 700 else 0.0


def _rate_result(metric: str, arm: Arm, control: Arm) -> tuple[float | None, float | None, float | None, float | None]:
    """Lift, its interval and the sequential p of a rate against the control."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    x, n = arm.successes(metric), arm.sample(metric)
    xc, nc = control.successes(metric), control.sample(metric)
    if n == 0 or nc == 0 or xc == 0:
        return None, None, None, None
    p, pc = x / n, xc / nc
    lift = p / pc - 1
    low = high = None
    if x > 0:
        lo, hi = confint_proportions_2indep(x, n, xc, nc, method="log", compare="ratio")
        low, high = float(lo) - 1, float(hi) - 1
    var = p * (1 - p) / n + pc * (1 - pc) / nc
    return lift, low, high, msprt_p(p - pc, var, TAU_SHARE * pc)


def _mean_result(arm: Arm, control: Arm) -> tuple[float | None, float | None, float | None, float | None]:
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    if len(arm.daily) < 2 or len(control.daily) < 2:
        return None, None, None, None
    mean, mean_c = sum(arm.daily) / len(arm.daily), sum(control.daily) / len(control.daily)
    if mean_c == 0:
        return None, None, None, None
    compare = CompareMeans(DescrStatsW(list(arm.daily)), DescrStatsW(list(control.daily)))
    lo, hi = compare.tconfint_diff(alpha=ALPHA, usevar="unequal")
    var = _var(arm.daily) / len(arm.daily) + _var(control.daily) / len(control.daily)
    scale = abs(mean_c)
    return (mean - mean_c) / scale, float(lo) / scale, float(hi) / scale, \
        msprt_p(mean - mean_c, var, TAU_SHARE * scale)


def _var(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)


def chance_best(metric: str, figures: Sequence[Arm]) -> list[float | None]:
    """The share of posterior draws in which each variant is the best (lowest, for CPA)."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    draws = []
    for arm in figures:
        if metric in RATES:
            x, n = arm.successes(metric), arm.sample(metric)
            draws.append(rng.beta(1 + x, 1 + max(n - x, 0), DRAWS))
        else:
            if len(arm.daily) < 2:
                return [None] * len(figures)
            mean = sum(arm.daily) / len(arm.daily)
            draws.append(rng.normal(mean, math.sqrt(_var(arm.daily) / len(arm.daily)), DRAWS))
    stacked = np.vstack(draws)
    best = stacked.argmin(axis=0) if metric in LOWER_IS_BETTER else stacked.argmax(axis=0)
    return [float((best == i).mean()) for i in range(len(figures))]


def _value(metric: str, arm: Arm) -> float | None:
    value = arm.kpis.value(metric)
    return None if value is None else float(value)


def analyse(test: Experiment, figures: Sequence[Arm]) -> Result:
    metric, control = test.metric, figures[0]
    chances = chance_best(metric, figures)
    results = [VariantResult(control.name, control.sample(metric), _value(metric, control), None, None, None,
                             chances[0], None)]
    for arm, chance in zip(figures[1:], chances[1:], strict=True):
        lift, low, high, p = _rate_result(metric, arm, control) if metric in RATES else _mean_result(arm, control)
        results.append(VariantResult(arm.name, arm.sample(metric), _value(metric, arm), lift, low, high, chance, p))
    alpha = ALPHA / (len(figures) - 1)
    better = -1 if metric in LOWER_IS_BETTER else 1
    crossed = [r for r in results[1:] if r.p_sequential is not None and r.p_sequential <= alpha]
    winners = [r for r in crossed if r.lift is not None and r.lift * better > 0]
    planned = reached_plan(test, figures)
    winner: str | None = None
    if winners:
        winner = max(winners, key=lambda r: (r.lift or 0) * better).name
    elif crossed and len(crossed) == len(results) - 1:  # every variant is worse than the control
        winner = control.name
    decided = winner is not None or planned
    reason = "planned_sample" if planned else ("boundary" if winner is not None else None)
    return Result(tuple(results), planned, decided, winner, reason)
