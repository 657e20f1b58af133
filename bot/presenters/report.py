"""The campaign report: KPIs against targets, per channel, budget against spend, on-time rate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.cards import Card, Chart, Field, Section, Tone
from bot.i18n import tr
from bot.presenters import fmt, forecasts
from bot.presenters.approvals import pacing_text
from bot.presenters.campaigns import ledger_fields
from domain import metrics as m
from domain.campaign import KPI_METRICS, Campaign
from domain.ledger import Ledger
from domain.task import Task


def _judged(c: Campaign, metric: str, actual: Decimal | None, lang: str) -> str:
    text = fmt.kpi(metric, actual, c.currency, lang)
    target = c.kpis.get(metric)
    if target is not None:
        verdict = m.meets(metric, actual, target)
        mark = " ✅" if verdict else (" ❌" if verdict is False else "")
        text += f"  ({tr(lang, 'label.target')} {fmt.kpi(metric, target, c.currency, lang)}{mark})"
    return text


def _unrecorded(k: m.Kpis, lang: str) -> str:
    """"— impressions" says a count was not recorded; the line says so in words once."""
    return "" if k.has(*m.COUNTS) else tr(lang, "label.counts_not_recorded")


def kpi_fields(c: Campaign, k: m.Kpis, lang: str, all_in: bool = True) -> tuple[Field, ...]:
    """The KPIs against their targets. `all_in`: a whole campaign, whose fees are known, so both spends and both
    ROIs are shown and ROI is judged all-in; otherwise (one day) media spend and ROI on media, not judged."""
    def money(name: str, value: Decimal) -> str:
        return fmt.amount(value, c.currency, lang) if k.has(name) else tr(lang, "label.not_recorded")

    def count(name: str) -> str:
        return fmt.number(getattr(k, name)) if k.has(name) else "—"

    fields = [Field(tr(lang, "label.media_spend"), money("spend", k.spend))]
    if all_in:
        fields.append(Field(tr(lang, "label.fees"), fmt.amount(k.fees, c.currency, lang)))
    fields += [Field(tr(lang, "label.revenue"), money("revenue", k.revenue)),
               Field(tr(lang, "label.volume"), tr(lang, "label.volume_value", impressions=count("impressions"),
                                                   clicks=count("clicks"), conversions=count("conversions"))
                     + _unrecorded(k, lang)),
               Field(tr(lang, "label.roi_media"), fmt.roi(k.roi_media, lang))]
    if all_in:
        fields.append(Field(tr(lang, "label.roi_all_in"), _judged(c, "roi", k.roi, lang)))
    fields += [Field(metric.upper(), _judged(c, metric, k.value(metric), lang))
               for metric in KPI_METRICS if metric != "roi"]
    return tuple(fields)


def on_time(tasks: Sequence[Task], lang: str) -> str:
    finished = [t.on_time() for t in tasks if t.on_time() is not None]
    if not finished:
        return fmt.na(lang)
    share = Decimal(sum(1 for ok in finished if ok)) / Decimal(len(finished))
    return tr(lang, "label.on_time_value", share=fmt.percent(share, lang, "1"), ok=sum(1 for ok in finished if ok),
              total=len(finished))


def channel_lines(c: Campaign, channels: dict[str, m.Kpis], lang: str) -> list[str]:
    lines = []
    for channel, k in channels.items():
        name = fmt.user_text(channel) if channel else tr(lang, "label.no_channel")
        lines.append(f"{name}: {tr(lang, 'label.spend')} {fmt.amount(k.spend, c.currency, lang)} · ROI "
                     f"{fmt.roi(k.roi, lang)} · CTR {fmt.percent(k.ctr, lang)} · CVR {fmt.percent(k.cvr, lang)} · "
                     f"CPC {fmt.amount(k.cpc, c.currency, lang)} · CPA {fmt.amount(k.cpa, c.currency, lang)}")
    return lines


CHART_DAYS = 30


def chart(days: dict[date, m.Kpis], lang: str) -> Chart | None:
    """Spend and conversions of the last 30 days with metrics: an image where the surface shows one, sparklines
    elsewhere (each renderer draws it, so a surface never shows both)."""
    recent = sorted(days)[-CHART_DAYS:]
    if not recent:
        return None
    return Chart(title=tr(lang, "label.chart"), labels=tuple(f"{d:%m-%d}" for d in recent),
                 series=((tr(lang, "label.spend"), tuple(float(days[d].spend) for d in recent)),
                         (tr(lang, "label.conversions"), tuple(float(days[d].conversions) for d in recent))))


def day_lines(c: Campaign, days: dict[date, m.Kpis], lang: str) -> list[str]:
    """KPIs of each of the last days, money to the cent, n/a where a denominator is zero."""
    return [f"{fmt.day(d, lang)}  {fmt.amount(k.spend, c.currency, lang)} · ROI {fmt.roi(k.roi, lang)} · "
            f"CTR {fmt.percent(k.ctr, lang)} · CVR {fmt.percent(k.cvr, lang)} · "
            f"CPC {fmt.amount(k.cpc, c.currency, lang)} · CPA {fmt.amount(k.cpa, c.currency, lang)}"
            for d, k in sorted(days.items())[-7:]]


@dataclass(frozen=True, slots=True)
class Figures:
    """A campaign's metrics as the report shows them, summed where they are stored: over everything, by day (one
    row a day, channel ''), by channel."""

    total: m.Kpis
    daily: Sequence[m.DailyMetric]
    channels: dict[str, m.Kpis]


def report_card(c: Campaign, figures: Figures, ledger: Ledger, tasks: Sequence[Task], today: date,
                lang: str) -> Card:
    total = figures.total.with_fees(ledger.spent_entries.amount)
    fields = [*kpi_fields(c, total, lang), *ledger_fields(ledger, lang, spent="label.spent_all_in"),
              Field(tr(lang, "label.pacing"), pacing_text(ledger.pacing(c.pacing_days(), today), lang)),
              Field(tr(lang, "label.on_time"), on_time(tasks, lang))]
    sections = []
    days = m.by_day(figures.daily)
    if days:
        sections.append(Section(tr(lang, "label.per_day") + "\n" + "\n".join(day_lines(c, days, lang))))
    channels = channel_lines(c, figures.channels, lang)
    if len(channels) > 1 or (channels and next(iter(figures.channels))):  # one channel: shown when it has a name
        sections.append(Section(tr(lang, "label.by_channel") + "\n" + "\n".join(channels)))
    if not days:
        sections.append(Section(tr(lang, "empty.metrics", ref=c.ref)))
    # issue 13: where the campaign is heading, from one row a day (a year on 20 channels is 7,300 rows otherwise,
    # summed again for each of the forecast's figures)
    projected = forecasts.section(c, figures.daily, ledger, today, lang)
    if projected is not None:
        sections.append(projected)
    return Card(title=tr(lang, "title.report", ref=c.ref, name=fmt.user_text(c.name)), tone=Tone.INFO,
                fields=tuple(fields), sections=tuple(sections), chart=chart(days, lang), entity=c.ref)


def metrics_recorded(c: Campaign, row: m.DailyMetric, lang: str) -> Card:
    day_kpis = m.totals([row])
    title = tr(lang, "title.metrics_recorded", ref=c.ref, day=fmt.day(row.day, lang),
               channel=f" · {fmt.user_text(row.channel)}" if row.channel else "")
    return Card(title=title, tone=Tone.SUCCESS, fields=kpi_fields(c, day_kpis, lang, all_in=False),
                entity=c.ref)
