"""Builders for goals, A/B tests and retrospectives (issue 13): `goal set|link`, `goal G-1`, `goals`, `test ...`,
`retro ...`."""

from __future__ import annotations

from decimal import Decimal

from bot.parsing import values
from bot.parsing.args import Args
from bot.parsing.errors import ParseError
from domain import commands as c
from domain.abtest import TEST_METRICS
from domain.goals import GOAL_METRICS, MONEY_METRICS
from domain.refs import Kind

GOAL_OPTIONS = (*GOAL_METRICS, "period", "channel", "parent")


def _target(a: Args, metric: str, raw: str) -> Decimal:
    if metric in MONEY_METRICS:
        money = values.amount(raw, a.now.currency)
        if money.currency != a.now.currency:  # kept as a bare number in the workspace currency
            raise ParseError("wrong_currency", key=metric, expected=a.now.currency, got=money.currency)
        return money.amount
    if metric in ("conversions", "leads"):
        return Decimal(values.count(raw))
    return values.ratio(raw, percent_metric=False)


def goal_set(a: Args) -> c.Command:
    metrics = [m for m in GOAL_METRICS if m in a.options]
    if len(metrics) != 1:
        raise ParseError("goal_metric", allowed=", ".join(f"{m}=" for m in GOAL_METRICS))
    metric = metrics[0]
    target = a.opt(metric, lambda raw: _target(a, metric, raw))
    period = a.options.get("period")
    if not period:
        raise ParseError("goal_period")
    parent = a.opt("parent", _goal_ref)
    name = a.rest()
    if not name:
        raise ParseError("goal_name")
    assert target is not None
    return c.SetGoal(name, metric, target, period, (a.options.get("channel") or "").strip(), parent)


def _goal_ref(raw: str) -> int:
    number = values.ref(raw, Kind.GOAL)
    if number is None:
        raise ParseError("expected_id", what="goal", kind=Kind.GOAL.value, got=raw)
    return number


def goal_link(a: Args) -> c.Command:
    goal = a.ref(Kind.GOAL, "goal")
    campaign = a.ref(Kind.CAMPAIGN, "campaign")
    a.done()
    return c.LinkGoal(goal, campaign)


def goal(a: Args) -> c.Command:
    number = a.ref(Kind.GOAL, "goal")
    a.done()
    return c.ShowGoal(number)


def goals(a: Args) -> c.Command:
    a.done()
    return c.ListGoals()


TEST_OPTIONS = ("variants", "metric", "min_sample")


def test_new(a: Args) -> c.Command:
    campaign = a.ref(Kind.CAMPAIGN, "campaign")
    raw = a.options.get("variants")
    if not raw:
        raise ParseError("test_variants")
    variants = tuple(v.strip() for v in raw.replace("，", ",").split(",") if v.strip())
    metric = (a.options.get("metric") or "").strip().lower()
    if metric not in TEST_METRICS:
        raise ParseError("test_metric", allowed=", ".join(TEST_METRICS))
    min_sample = a.opt("min_sample", values.count)
    name = a.rest()
    if not name:
        raise ParseError("test_name")
    return c.NewTest(campaign, name, variants, metric, min_sample)


def test_stop(a: Args) -> c.Command:
    number = a.ref(Kind.EXPERIMENT, "test")
    a.done()
    winner = (a.options.get("winner") or "").strip()
    if not winner:
        raise ParseError("test_winner")
    return c.StopTest(number, winner)


def test(a: Args) -> c.Command:
    number = a.ref(Kind.EXPERIMENT, "test")
    a.done()
    return c.ShowTest(number)


RETRO_WORDS = {"note": "note", "笔记": "note", "备注": "note", "export": "export", "导出": "export"}


def retro(a: Args) -> c.Command:
    campaign = a.ref(Kind.CAMPAIGN, "campaign")
    word = a.word(RETRO_WORDS, "what")
    if word == "note":
        text = a.rest()
        if not text:
            raise ParseError("retro_note")
        return c.AddRetroNote(campaign, text)
    a.done()
    return c.ShowRetro(campaign, export=word == "export")
