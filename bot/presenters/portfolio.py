"""The portfolio in chat (`overview`): one line per campaign, riskiest first, what makes it risky in words; the
longest lists are cut, pointing to the web dashboard for the rest. Also the card with the dashboard's sign-in link."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cards import Card, Section, Tone
from bot.i18n import tr
from bot.presenters import fmt
from domain.portfolio import Level, Summary

SHOWN = 15  # a chat card stays readable; the dashboard shows every campaign
MARKS = {Level.HIGH: "🔴", Level.MEDIUM: "🟠", Level.LOW: "🟢"}


def spend_text(s: Summary, lang: str) -> str:
    ledger = s.ledger
    if ledger.approved.amount <= 0:
        return tr(lang, "portfolio.spent_unapproved", spent=fmt.money(ledger.spent, lang))
    return tr(lang, "portfolio.spent_of", spent=fmt.money(ledger.spent, lang),
              approved=fmt.money(ledger.approved, lang), share=fmt.percent(ledger.used_share, lang, "1"))


def roi_text(s: Summary, lang: str) -> str:
    if s.roi_target is None:
        return tr(lang, "portfolio.roi", roi=fmt.roi(s.roi, lang))
    mark = {True: "✓", False: "✗", None: ""}[s.roi_met]
    # With no verdict (ROI not known yet) the mark is empty; no trailing space is left where it would stand.
    return tr(lang, "portfolio.roi_against", roi=fmt.roi(s.roi, lang), target=fmt.roi(s.roi_target, lang),
              mark=mark).rstrip()


def counts_text(s: Summary, lang: str) -> list[str]:
    f, parts = s.figures, []
    if f.overdue:
        parts.append(tr(lang, "portfolio.overdue", count=f.overdue))
    if f.pending:
        parts.append(tr(lang, "portfolio.pending", count=f.pending))
    if f.anomalies:
        parts.append(tr(lang, "portfolio.anomalies", count=f.anomalies))
    return parts


def line(s: Summary, lang: str) -> str:
    c = s.campaign
    pace = fmt.enum(lang, "pace", s.pacing.band.value) if s.pacing else fmt.na(lang)
    parts = [f"{MARKS[s.level]} {fmt.named(c.ref, c.name)}", fmt.mention(c.owner, lang),
             fmt.enum(lang, "status", c.status.value), spend_text(s, lang),
             tr(lang, "portfolio.pace", band=pace), roi_text(s, lang), *counts_text(s, lang)]
    return " · ".join(parts)


def overview(summaries: Sequence[Summary], scope: str, lang: str) -> Card:
    title = tr(lang, f"title.overview_{scope}")
    if not summaries:
        return Card(title=title, sections=(Section(tr(lang, "empty.overview")),))
    lines = [line(s, lang) for s in summaries[:SHOWN]]
    risky = sum(1 for s in summaries if s.level is Level.HIGH)
    footer = tr(lang, "hint.overview_more", shown=len(lines), total=len(summaries)) if len(summaries) > SHOWN \
        else tr(lang, "hint.overview")
    tone = Tone.DANGER if risky else Tone.INFO
    return Card(title=title, tone=tone, sections=(Section(tr(lang, "portfolio.headline", total=len(summaries),
                                                                 risky=risky)), Section("\n".join(lines))),
                footer=footer)


def dashboard_link(url: str, minutes: int, lang: str) -> Card:
    return Card(title=tr(lang, "title.dashboard_link"), tone=Tone.INFO,
                sections=(Section(url), Section(tr(lang, "hint.dashboard_link", minutes=minutes))))
