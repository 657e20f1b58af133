"""A/B test cards: the test as it stands (per variant: sample, value, lift with its 95 % interval, chance to be
best; decided or not and why), the test just started, a variant's day recorded, and the decision's announcement."""

from __future__ import annotations

from decimal import Decimal

from bot.cards import Card, Field, Section, Tone
from bot.i18n import tr
from bot.presenters import fmt
from bot.stats import Result, VariantResult
from domain.abtest import Experiment, TestStatus, VariantMetric
from domain.campaign import Campaign


def _pct(value: float | None, lang: str, signed: bool = False) -> str:
    if value is None:
        return fmt.na(lang)
    text = fmt.percent(Decimal(repr(value)), lang, "0.1")
    return f"+{text}" if signed and value > 0 else text


def metric_value(test: Experiment, campaign: Campaign, value: float | None, lang: str) -> str:
    return fmt.kpi(test.metric, None if value is None else Decimal(repr(value)), campaign.currency, lang)


def variant_line(test: Experiment, campaign: Campaign, r: VariantResult, lang: str) -> str:
    control = r.name == test.control
    name = f"{fmt.user_text(r.name)} ({tr(lang, 'test.control')})" if control else fmt.user_text(r.name)
    parts = [name, tr(lang, f"test.sample.{test.metric}", n=fmt.number(r.sample)),
             f"{test.metric.upper()} {metric_value(test, campaign, r.value, lang)}"]
    if not control:
        interval = (tr(lang, "test.interval", low=_pct(r.low, lang, True), high=_pct(r.high, lang, True))
                    if r.low is not None and r.high is not None else "")
        parts.append(f"{tr(lang, 'test.lift')} {_pct(r.lift, lang, True)}{interval}")
    parts.append(f"{tr(lang, 'test.chance_best')} {_pct(r.chance_best, lang)}")
    return " · ".join(parts)


def status_text(test: Experiment, result: Result, lang: str) -> str:
    least = min((r.sample for r in result.variants), default=0)
    if test.status is TestStatus.STOPPED:
        return tr(lang, "test.stopped", winner=fmt.user_text(test.winner or ""))
    if test.status is TestStatus.DECIDED:
        why = test.decision.get("reason", "")
        if test.winner:
            return tr(lang, f"test.decided.{why or 'boundary'}", winner=fmt.user_text(test.winner))
        return tr(lang, "test.decided.no_difference", control=fmt.user_text(test.control))
    return tr(lang, "test.running", least=fmt.number(least), planned=fmt.number(test.min_sample))


def test_card(test: Experiment, campaign: Campaign, result: Result, lang: str) -> Card:
    lines = [variant_line(test, campaign, r, lang) for r in result.variants]
    tone = Tone.SUCCESS if test.status is not TestStatus.RUNNING else Tone.INFO
    return Card(title=tr(lang, "test.title", ref=test.ref, name=fmt.user_text(test.name)), tone=tone,
                fields=(Field(tr(lang, "test.campaign"), fmt.named(campaign.ref, campaign.name)),
                        Field(tr(lang, "test.metric"), test.metric.upper()),
                        Field(tr(lang, "test.planned"), tr(lang, f"test.sample.{test.metric}",
                                                           n=fmt.number(test.min_sample))),
                        Field(tr(lang, "test.status"), status_text(test, result, lang))),
                sections=(Section("\n".join(lines), mono=False),), footer=tr(lang, "test.method"), entity=test.ref)


def created_card(test: Experiment, campaign: Campaign, lang: str) -> Card:
    return Card(title=tr(lang, "test.created", ref=test.ref, name=fmt.user_text(test.name)), tone=Tone.SUCCESS,
                fields=(Field(tr(lang, "test.campaign"), fmt.named(campaign.ref, campaign.name)),
                        Field(tr(lang, "test.variants"), ", ".join(fmt.user_text(v) for v in test.variants)),
                        Field(tr(lang, "test.metric"), test.metric.upper()),
                        Field(tr(lang, "test.planned"), tr(lang, f"test.sample.{test.metric}",
                                                           n=fmt.number(test.min_sample)))),
                sections=(Section(tr(lang, "test.how", campaign=campaign.ref,
                                     variant=fmt.user_text(test.variants[1]))),),
                entity=test.ref)


def variant_recorded(test: Experiment, campaign: Campaign, stored: VariantMetric, result: Result, lang: str) -> Card:
    title = tr(lang, "test.recorded", ref=campaign.ref, day=fmt.day(stored.row.day, lang), test=test.ref,
               variant=fmt.user_text(stored.variant))
    return Card(title=title, tone=Tone.SUCCESS, fields=(Field(tr(lang, "test.status"),
                                                              status_text(test, result, lang)),),
                entity=campaign.ref)


def decided_card(test: Experiment, campaign: Campaign, result: Result, lang: str) -> Card:
    card = test_card(test, campaign, result, lang)
    return Card(title=tr(lang, "test.announce", ref=test.ref, name=fmt.user_text(test.name)), tone=Tone.SUCCESS,
                fields=card.fields, sections=card.sections, footer=card.footer, entity=test.ref)
