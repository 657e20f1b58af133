"""Goal cards: one goal with its children (target, actual, expected by now, forecast, on/off track), the tree of
every goal, and the weekly off-track alert."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from bot.cards import Card, Field, Section, Tone
from bot.i18n import tr
from bot.presenters import fmt
from domain import refs
from domain.goals import Gap, Goal, Progress, Track

TONES = {Track.ON: Tone.SUCCESS, Track.OFF: Tone.WARNING, Track.UNKNOWN: Tone.INFO, Track.NOT_STARTED: Tone.NEUTRAL}


def value(goal: Goal, amount: Decimal | None, currency: str, lang: str) -> str:
    """A figure of the goal's metric: money, a count, or ROI written 1:x."""
    if amount is None:
        return fmt.na(lang)
    if goal.metric in ("revenue", "spend", "cpa"):
        return fmt.amount(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), currency, lang)
    if goal.metric == "roi":
        return fmt.roi(amount, lang)
    return fmt.number(int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def track(p: Progress, lang: str) -> str:
    if p.track is Track.OFF:
        return tr(lang, "track.off_track", miss=fmt.percent(p.miss, lang, "1"))
    return tr(lang, f"track.{p.track.value}")


def forecast(p: Progress, currency: str, lang: str) -> str:
    if p.forecast is None:
        return tr(lang, "track.not_started") if p.track is Track.NOT_STARTED else tr(lang, "track.not_enough_data")
    g = p.goal
    return tr(lang, "goal.forecast_value", value=value(g, p.forecast.value, currency, lang),
              low=value(g, p.forecast.low, currency, lang), high=value(g, p.forecast.high, currency, lang))


def headline(goal: Goal, lang: str) -> str:
    channel = f" · {fmt.user_text(goal.channel)}" if goal.channel else ""
    return (f"{goal.ref} {fmt.user_text(goal.name)} · {tr(lang, f'goal.metric.{goal.metric}')} · "
            f"{goal.period.label}{channel}")


def line(p: Progress, currency: str, lang: str) -> str:
    g = p.goal
    return (f"{headline(g, lang)}: {value(g, p.actual, currency, lang)} / {value(g, g.target, currency, lang)} · "
            f"{tr(lang, 'goal.forecast')} {forecast(p, currency, lang)} · {track(p, lang)}")


def gap_line(gap: Gap, goal: Goal, currency: str, lang: str) -> str:
    return tr(lang, "goal.gap", split=tr(lang, f"goal.split.{gap.split}"), children=", ".join(gap.children),
              total=value(goal, gap.total, currency, lang), target=value(goal, gap.target, currency, lang))


def goal_card(p: Progress, children: Sequence[Progress], gaps: Sequence[Gap], parent: Goal | None, currency: str,
              lang: str) -> Card:
    g = p.goal
    campaigns = ", ".join(refs.campaign(c) for c in g.campaigns) or tr(lang, "goal.no_campaigns", ref=g.ref)
    fields = [Field(tr(lang, "goal.metric"), tr(lang, f"goal.metric.{g.metric}")),
              Field(tr(lang, "goal.period"), f"{g.period.label} ({g.period.first} – {g.period.last})"),
              Field(tr(lang, "goal.channel"), fmt.user_text(g.channel) if g.channel
                    else tr(lang, "goal.all_channels")),
              Field(tr(lang, "goal.owner"), fmt.mention(g.owner, lang)),
              Field(tr(lang, "goal.target"), value(g, g.target, currency, lang)),
              Field(tr(lang, "goal.actual"), value(g, p.actual, currency, lang)),
              Field(tr(lang, "goal.expected"), value(g, p.expected, currency, lang)),
              Field(tr(lang, "goal.forecast"), forecast(p, currency, lang)),
              Field(tr(lang, "goal.status"), track(p, lang)),
              Field(tr(lang, "goal.campaigns"), campaigns)]
    if parent is not None:
        fields.insert(4, Field(tr(lang, "goal.parent"), f"{parent.ref} {fmt.user_text(parent.name)}"))
    sections = []
    if children:
        sections.append(Section(tr(lang, "goal.children") + "\n" + "\n".join(
            f"• {line(c, currency, lang)}" for c in children)))
    sections.extend(Section(gap_line(gap, g, currency, lang)) for gap in gaps)
    return Card(title=tr(lang, "goal.title", ref=g.ref, name=fmt.user_text(g.name)), tone=TONES[p.track],
                fields=tuple(fields), sections=tuple(sections), footer=tr(lang, "goal.method"), entity=g.ref)


def goal_set_card(p: Progress, gaps: Sequence[Gap], parent: Goal | None, currency: str, lang: str) -> Card:
    card = goal_card(p, (), (), parent, currency, lang)
    sections = tuple(Section(gap_line(gap, parent, currency, lang)) for gap in gaps) if parent else ()
    return Card(title=tr(lang, "goal.set", ref=p.goal.ref, name=fmt.user_text(p.goal.name)), tone=Tone.SUCCESS,
                fields=card.fields, sections=sections, entity=p.goal.ref)


def tree_card(rows: Sequence[tuple[int, Progress]], currency: str, lang: str) -> Card:
    """Every goal, each child under its parent (depth, progress)."""
    if not rows:
        return Card(title=tr(lang, "goal.list"), sections=(Section(tr(lang, "goal.none")),))
    text = "\n".join(f"{'    ' * depth}• {line(p, currency, lang)}" for depth, p in rows)
    return Card(title=tr(lang, "goal.list"), tone=Tone.INFO, sections=(Section(text),))


def off_track_card(p: Progress, currency: str, lang: str) -> Card:
    g = p.goal
    return Card(title=tr(lang, "goal.off_track_title", ref=g.ref, name=fmt.user_text(g.name)), tone=Tone.WARNING,
                fields=(Field(tr(lang, "goal.period"), g.period.label),
                        Field(tr(lang, "goal.target"), value(g, g.target, currency, lang)),
                        Field(tr(lang, "goal.actual"), value(g, p.actual, currency, lang)),
                        Field(tr(lang, "goal.expected"), value(g, p.expected, currency, lang)),
                        Field(tr(lang, "goal.forecast"), forecast(p, currency, lang)),
                        Field(tr(lang, "goal.status"), track(p, lang))),
                footer=tr(lang, "goal.off_track_footer", ref=g.ref), entity=g.ref)
