"""The report's forecasts (issue 13): spend at the campaign's end against the approved budget, and each KPI's value
at the end with a 95 % interval, from the campaign's own daily history (domain.forecast); "not enough data" below
7 days of metrics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.cards import Section
from bot.i18n import tr
from bot.presenters import fmt
from domain import forecast
from domain import metrics as m
from domain.campaign import KPI_METRICS, Campaign
from domain.ledger import Ledger

PARTS = {"roi": ("revenue", "spend"), "ctr": ("clicks", "impressions"), "cvr": ("conversions", "clicks"),
         "cpc": ("spend", "clicks"), "cpa": ("spend", "conversions")}


def section(c: Campaign, rows: Sequence[m.DailyMetric], ledger: Ledger, today: date, lang: str) -> Section | None:
    """None when there is nothing to project: no metrics, no end date, or the campaign's last day has passed."""
    days = c.days()
    if not rows or days is None or today > days[1]:
        return None
    end = days[1]
    seen = [r.day for r in rows if r.day <= end]
    if not seen:
        return None
    start, last = min(seen), max(seen)
    head = tr(lang, "forecast.heading", end=fmt.day(end, lang))
    if (last - start).days + 1 < forecast.MIN_DAYS:
        return Section(f"{head}\n{tr(lang, 'forecast.not_enough')}")
    left = (end - last).days
    mine = [r for r in rows if r.day <= end]
    lines = []
    spend = forecast.estimate(mine, "spend", None, start, last, left)
    if spend is not None:
        fees = ledger.spent_entries.amount
        value, low, high = spend.value + fees, spend.low + fees, spend.high + fees
        text = tr(lang, "forecast.spend", value=fmt.amount(m.cents(value), c.currency, lang),
                  low=fmt.amount(m.cents(low), c.currency, lang), high=fmt.amount(m.cents(high), c.currency, lang),
                  approved=fmt.money(ledger.approved, lang))
        if ledger.approved.amount > 0:
            text += " " + tr(lang, "forecast.share", share=fmt.percent(value / ledger.approved.amount, lang, "1"))
        lines.append(text)
    for metric in KPI_METRICS:
        num, den = PARTS[metric]
        found = forecast.estimate(mine, num, den, start, last, left)
        if found is None:
            continue
        text = tr(lang, "forecast.kpi", metric=metric.upper(), value=fmt.kpi(metric, found.value, c.currency, lang),
                  low=fmt.kpi(metric, found.low, c.currency, lang), high=fmt.kpi(metric, found.high, c.currency, lang))
        target = c.kpis.get(metric)
        if target is not None:
            verdict = m.meets(metric, found.value, target)
            text += f"  ({tr(lang, 'label.target')} {fmt.kpi(metric, target, c.currency, lang)} " \
                    f"{'✅' if verdict else '❌'})"
        lines.append(text)
    lines.append(tr(lang, "forecast.method"))
    return Section(head + "\n" + "\n".join(lines))
