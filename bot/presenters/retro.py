"""The retrospective (复盘): KPIs against targets, budget planned / approved / spent (media and fees), on-time rate
and the tasks that slipped, channels ranked by CPA and ROI with the budget shift they suggest, anomalies and what
changed around them, A/B results, the team's notes. One document, shown as a card or exported as Markdown."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.cards import Card, Section, Tone
from bot.i18n import tr
from bot.presenters import fmt
from bot.presenters import report as report_view
from bot.presenters.anomalies import change_line, move_line
from bot.presenters.experiments import status_text, variant_line
from bot.retro import Retro
from domain import metrics as m
from domain.retro import Shift, ranked, slipped, suggest

Doc = list[tuple[str, list[str]]]  # (heading, lines)


def _kpis(r: Retro, lang: str) -> list[str]:
    total = m.totals(r.rows).with_fees(r.ledger.spent_entries.amount)  # ROI judged all-in, as in the report
    if not r.rows:
        return [tr(lang, "empty.metrics", ref=r.campaign.ref)]
    return [f"{f.label}: {f.value}" for f in report_view.kpi_fields(r.campaign, total, lang)]


def _budget(r: Retro, lang: str) -> list[str]:
    ledger = r.ledger
    lines = [f"{tr(lang, 'label.planned')}: {fmt.money(ledger.planned, lang)}"] if ledger.planned else []
    lines += [f"{tr(lang, 'label.approved')}: {fmt.money(ledger.approved, lang)}",
              tr(lang, "retro.spent", spent=fmt.money(ledger.spent, lang), media=fmt.money(ledger.spent_media, lang),
                 fees=fmt.money(ledger.spent_entries, lang))]
    if ledger.used_share is not None:
        lines.append(tr(lang, "retro.used", share=fmt.percent(ledger.used_share, lang, "1")))
    return lines


def _delivery(r: Retro, tz: ZoneInfo, lang: str) -> list[str]:
    lines = [f"{tr(lang, 'label.on_time')}: {report_view.on_time(r.tasks, lang)}"]
    for slip in slipped(r.tasks, r.now):
        key = "retro.slip_open" if slip.open else "retro.slip_done"
        lines.append(tr(lang, key, task=fmt.named(slip.task.ref, slip.task.title), days=slip.days,
                        due=fmt.day(slip.task.due.astimezone(tz).date() if slip.task.due else None, lang)))
    if len(lines) == 1:
        lines.append(tr(lang, "retro.no_slips"))
    return lines


def _shift_line(shift: Shift, currency: str, lang: str) -> str:
    change = fmt.percent(abs(shift.change), lang, "1")
    key = "retro.shift_cpa" if shift.metric == "cpa" else "retro.shift_roi"
    return tr(lang, key, share="20%", source=fmt.user_text(shift.source or tr(lang, "label.no_channel")),
              target=fmt.user_text(shift.target or tr(lang, "label.no_channel")),
              amount=fmt.amount(shift.amount.quantize(Decimal("0.01")), currency, lang), change=change,
              before=fmt.kpi(shift.metric, shift.before, currency, lang),
              after=fmt.kpi(shift.metric, shift.after, currency, lang))


def _channels(r: Retro, lang: str) -> list[str]:
    channels = m.by_channel(r.rows)
    currency = r.campaign.currency
    if len([c for c, k in channels.items() if k.spend > 0]) < 2:
        return [tr(lang, "retro.one_channel")]
    lines = []
    for metric in ("cpa", "roi"):
        order = ranked(channels, metric)
        text = " > ".join(f"{fmt.user_text(name or tr(lang, 'label.no_channel'))} "
                          f"{fmt.kpi(metric, k.value(metric), currency, lang)}" for name, k in order)
        lines.append(f"{tr(lang, f'retro.rank_{metric}')}: {text}")
    for metric in ("cpa", "roi"):
        shift = suggest(channels, metric)
        if shift is not None:
            lines.append(_shift_line(shift, currency, lang))
    lines.append(tr(lang, "retro.assumption"))
    return lines


def _anomalies(r: Retro, tz: ZoneInfo, lang: str) -> list[str]:
    if not r.anomalies:
        return [tr(lang, "retro.no_anomalies")]
    lines = []
    for evaluation, around in r.anomalies:
        moved = "; ".join(move_line(mv, r.campaign.currency, lang) for mv in evaluation.moves)
        lines.append(f"{fmt.day(evaluation.day, lang)}: {moved}")
        lines += [f"    {change_line(entry, tz, lang)}" for entry in around] or \
            [f"    {tr(lang, 'label.no_changes')}"]
    return lines


def _tests(r: Retro, lang: str) -> list[str]:
    if not r.tests:
        return [tr(lang, "retro.no_tests")]
    lines = []
    for test, result in r.tests:
        head = f"{test.ref} {fmt.user_text(test.name)} ({test.metric.upper()})"
        lines.append(f"{head}: {status_text(test, result, lang)}")
        lines += [f"    {variant_line(test, r.campaign, v, lang)}" for v in result.variants]
    return lines


def _notes(r: Retro, tz: ZoneInfo, lang: str) -> list[str]:
    if not r.notes:
        return [tr(lang, "retro.no_notes", ref=r.campaign.ref)]
    return [f"{fmt.mention(n.author, lang)} ({fmt.day(n.at.astimezone(tz).date(), lang)}): {fmt.user_text(n.text)}"
            for n in r.notes]


def document(r: Retro, tz: ZoneInfo, lang: str) -> Doc:
    return [(tr(lang, "retro.kpis"), _kpis(r, lang)), (tr(lang, "retro.budget"), _budget(r, lang)),
            (tr(lang, "retro.delivery"), _delivery(r, tz, lang)), (tr(lang, "retro.channels"), _channels(r, lang)),
            (tr(lang, "retro.anomalies"), _anomalies(r, tz, lang)), (tr(lang, "retro.tests"), _tests(r, lang)),
            (tr(lang, "retro.notes"), _notes(r, tz, lang))]


def title(r: Retro, lang: str) -> str:
    return tr(lang, "retro.title", ref=r.campaign.ref, name=fmt.user_text(r.campaign.name))


def retro_card(r: Retro, tz: ZoneInfo, lang: str, posted: bool = False) -> Card:
    sections = tuple(Section(f"{heading}\n" + "\n".join(lines)) for heading, lines in document(r, tz, lang))
    return Card(title=tr(lang, "retro.posted_title", ref=r.campaign.ref, name=fmt.user_text(r.campaign.name))
                if posted else title(r, lang), tone=Tone.INFO, sections=sections,
                footer=tr(lang, "retro.footer", ref=r.campaign.ref), entity=r.campaign.ref)


def markdown(r: Retro, tz: ZoneInfo, lang: str) -> str:
    out = [f"# {title(r, lang)}", ""]
    for heading, lines in document(r, tz, lang):
        out += [f"## {heading}", ""]
        out += [f"- {line.strip()}" if not line.startswith("    ") else f"  - {line.strip()}" for line in lines]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def export_card(r: Retro, tz: ZoneInfo, lang: str) -> Card:
    return Card(title=tr(lang, "retro.export_title", ref=r.campaign.ref), tone=Tone.NEUTRAL,
                sections=(Section(markdown(r, tz, lang), mono=True),), entity=r.campaign.ref)
