"""A/B tests: the statistics checked against independent computations on published data, the sequential rule
under peeking, and the tests run from chat (variants recorded with `metrics ... variant=`, decided once)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from adapters.console.render import render
from bot import stats
from domain.abtest import Arm, Experiment
from domain.metrics import Kpis
from tests.builders import TestBot

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def arm(name: str, trials: int, successes: int) -> Arm:
    return Arm(name, Kpis(impressions=trials, clicks=successes), ())


def ctr_test(min_sample: int = 1000) -> Experiment:
    return Experiment(1, 1, "Headline", ("A", "B"), "ctr", min_sample, "olive", NOW, id=1)


def test_the_engine_reproduces_newcombes_published_intervals() -> None:
    """Newcombe (1998), Statistics in Medicine 17:873-890, Table II: 56/70 against 48/80, difference 0.2000; the
    simple asymptotic (Wald) interval 0.0575 to 0.3425, the hybrid score interval 0.0524 to 0.3339; and 9/10
    against 3/10: Wald 0.2605 to 0.9395, score 0.1705 to 0.8090."""
    for (x1, n1, x2, n2), wald, score in [((56, 70, 48, 80), (0.0575, 0.3425), (0.0524, 0.3339)),
                                          ((9, 10, 3, 10), (0.2605, 0.9395), (0.1705, 0.8090))]:
        assert confint_proportions_2indep(x1, n1, x2, n2, method="wald", compare="diff") == pytest.approx(wald,
                                                                                                          abs=5e-5)
        assert confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff") == pytest.approx(
            score, abs=5e-5)


def test_the_lift_and_its_interval_match_katz_by_hand_on_the_same_data() -> None:
    figures = [arm("A", 80, 48), arm("B", 70, 56)]  # B = 56/70 = 0.8, control A = 48/80 = 0.6
    result = stats.analyse(ctr_test(), figures)
    b = result.variants[1]
    ratio = (56 / 70) / (48 / 80)
    se = math.sqrt(1 / 56 - 1 / 70 + 1 / 48 - 1 / 80)  # Katz et al. (1978): the log of a ratio of proportions
    assert b.lift == pytest.approx(ratio - 1)  # +33.3 %
    assert b.low == pytest.approx(ratio * math.exp(-1.959964 * se) - 1, abs=1e-6)
    assert b.high == pytest.approx(ratio * math.exp(1.959964 * se) - 1, abs=1e-6)


def test_chance_to_be_best_matches_the_exact_beta_formula() -> None:
    """P(B > A) for Beta posteriors in closed form (Evan Miller, "Formulas for Bayesian A/B testing")."""
    a_s, a_f, b_s, b_f = 1 + 48, 1 + 32, 1 + 56, 1 + 14

    def log_beta(x: float, y: float) -> float:
        return math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)

    exact = sum(math.exp(log_beta(a_s + i, a_f + b_f) - math.log(b_f + i) - log_beta(1 + i, b_f)
                         - log_beta(a_s, a_f)) for i in range(b_s))
    chances = stats.chance_best("ctr", [arm("A", 80, 48), arm("B", 70, 56)])
    assert chances[1] == pytest.approx(exact, abs=0.01) and chances[0] == pytest.approx(1 - exact, abs=0.01)


def test_the_sequential_p_value_is_the_mixture_likelihood_ratio_in_closed_form() -> None:
    """Johari et al. (2017): Lambda = sqrt(V / (V + tau^2)) exp(tau^2 d^2 / (2 V (V + tau^2)))."""
    for d, v, tau in [(0.004, 1e-6, 0.003), (0.01, 4e-5, 0.002), (0.0, 1e-6, 0.01)]:
        ratio = math.sqrt(v / (v + tau * tau)) * math.exp(tau * tau * d * d / (2 * v * (v + tau * tau)))
        assert stats.msprt_p(d, v, tau) == pytest.approx(min(1.0, 1 / ratio))


def test_looking_every_day_does_not_make_false_winners() -> None:
    """400 A/A tests (no real difference), looked at each of 30 days: a naive 95 % test at each look declares a
    winner in about a quarter of them; the sequential rule stays under 5 %."""
    rng = np.random.default_rng(2026)
    naive = sequential = 0
    for _ in range(400):
        a = rng.binomial(2000, 0.02, 30).cumsum()
        b = rng.binomial(2000, 0.02, 30).cumsum()
        n = 2000 * np.arange(1, 31)
        pa, pb = a / n, b / n
        var = pa * (1 - pa) / n + pb * (1 - pb) / n
        z = np.abs(pb - pa) / np.sqrt(var)
        naive += bool((z > 1.959964).any())
        sequential += any(stats.msprt_p(float(pb[i] - pa[i]), float(var[i]), stats.TAU_SHARE * float(pa[i])) <= 0.05
                          for i in range(30))
    assert naive / 400 > 0.15
    assert sequential / 400 <= 0.05


def test_a_look_that_crosses_95_percent_early_is_not_a_decision() -> None:
    """Early, B is ahead with p < 0.05 at this look, but the always-valid p is not: nothing is decided."""
    figures = [arm("A", 4000, 80), arm("B", 4000, 108)]
    p, pc = 108 / 4000, 80 / 4000
    z = (p - pc) / math.sqrt(p * (1 - p) / 4000 + pc * (1 - pc) / 4000)
    assert z > 1.96
    result = stats.analyse(ctr_test(min_sample=50_000), figures)
    assert not result.decided and result.winner is None
    assert result.variants[1].p_sequential is not None and result.variants[1].p_sequential > 0.05


def test_at_the_planned_sample_no_difference_keeps_the_control() -> None:
    result = stats.analyse(ctr_test(min_sample=5000), [arm("A", 5000, 100), arm("B", 5000, 101)])
    assert result.decided and result.winner is None and result.reason == "planned_sample"


@pytest.fixture
def bot() -> TestBot:
    bot = TestBot()
    bot.ok("olive", "new Spring start=2026-11-01 end=2026-12-31")
    bot.ok("olive", 'test new C-1 "Headline" variants=A,B metric=ctr min_sample=50000')
    return bot


def test_a_test_from_chat_is_decided_once_by_the_boundary_and_announced_in_the_home_channel(bot: TestBot) -> None:
    for day in range(1, 11):
        bot.ok("olive", f"metrics C-1 date=2026-11-{day:02d} variant=A impressions=5000 clicks=100 spend=500")
        reply = bot.ok("olive", f"metrics C-1 date=2026-11-{day:02d} variant=B impressions=5000 clicks=130 spend=500")
        if day == 1:  # 2.6 % against 2.0 % on 5,000 each: ahead, but not yet past the boundary
            assert "not decided" in render(reply.card)
    shown = bot.text("anyone", "test X-1")
    assert "decided: B wins (the sequential boundary was crossed)" in shown
    assert "A (control) · 50,000 impressions · CTR 2.00%" in shown
    assert "B · 50,000 impressions · CTR 2.60% · lift +30.0% (95 % interval +" in shown
    decided = [m for m in bot.store.table("outbox").values() if m.kind == "test.decided"]
    assert len(decided) == 1 and decided[0].target.ref == "local"  # once, to the home channel
    bot.deliver()
    assert any("A/B test X-1 Headline is decided" in text for text in bot.sent_to("local"))
    report = bot.text("olive", "report C-1")  # the campaign's days are the sums of the variants'
    assert "100,000 impressions, 2,300 clicks" in report


def test_refusals_name_the_problem(bot: TestBot) -> None:
    assert "has no running test with a variant 'Z'" in bot.say("olive", "metrics C-1 variant=Z clicks=1").text
    assert "give 2 to 4 different names" in bot.say("olive", "test new C-1 T variants=A,A metric=ctr").text
    assert "one of: ctr, cvr, roi, cpa" in bot.say("olive", "test new C-1 T variants=A,B metric=revenue").text
    assert "only owner, manager, admin may" in bot.say("mallory", "test stop X-1 winner=B").text
    stopped = bot.text("olive", "test stop X-1 winner=b")
    assert "stopped; winner B" in stopped
    assert "no running test with a variant 'A'" in bot.say("olive", "metrics C-1 variant=A clicks=1").text


def test_roi_tests_use_days_as_the_sample(bot: TestBot) -> None:
    bot.ok("olive", 'test new C-1 "Landing" variants=Old,New metric=roi min_sample=7')
    for day in range(1, 8):
        bot.ok("olive", f"metrics C-1 date=2026-11-{day:02d} variant=Old spend=1000 revenue={3000 + 10 * day}")
        bot.ok("olive", f"metrics C-1 date=2026-11-{day:02d} variant=New spend=1000 revenue={3300 + 15 * day}")
    shown = bot.text("olive", "test X-2")
    assert "Old (control) · 7 days · ROI 1:3.04" in shown and "New · 7 days · ROI 1:3.36" in shown
    assert "decided: New wins" in shown and "lift +10.5% (95 % interval +9.5% to +11.6%)" in shown


def test_chinese(bot: TestBot) -> None:
    zh = TestBot(lang="zh")
    zh.ok("olive", "新建 春季 start=2026-11-01 end=2026-12-31")
    zh.ok("olive", "实验 新建 C-1 落地页 variants=A,B metric=cvr")
    assert "对照组" in zh.text("olive", "实验 X-1") and "每个版本的计划样本量" in zh.text("olive", "实验 X-1")


def test_money_in_variant_figures_stays_exact(bot: TestBot) -> None:
    bot.ok("olive", "metrics C-1 date=2026-11-02 variant=A spend=0.10 impressions=10")
    bot.ok("olive", "metrics C-1 date=2026-11-02 variant=B spend=0.20 impressions=10")
    day = next(m for m in bot.store.table("metrics").values() if str(m.day) == "2026-11-02")
    assert day.spend == Decimal("0.30")
