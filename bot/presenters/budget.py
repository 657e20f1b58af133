"""Cards for the budget ledger, recorded spend, and the alert when spend reaches a share of the approved budget."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from bot.cards import Card, Field, Section, Tone
from bot.i18n import tr
from bot.presenters import fmt
from bot.presenters.approvals import pacing_text
from bot.presenters.campaigns import ledger_fields
from domain.approval import ApprovalRequest
from domain.campaign import Campaign
from domain.ledger import Ledger, Pace, Pacing, SpendEntry

PACE_TONES = {Pace.UNDER: Tone.WARNING, Pace.AT_RISK: Tone.WARNING, Pace.ON_TRACK: Tone.SUCCESS,
              Pace.OVER: Tone.DANGER, Pace.NOT_STARTED: Tone.INFO}


def ledger_card(c: Campaign, ledger: Ledger, entries: Sequence[SpendEntry],
                requests: Sequence[ApprovalRequest], today: date, tz: ZoneInfo, lang: str) -> Card:
    pacing = ledger.pacing(c.pacing_days(), today)
    used = ledger.used_share
    fields = [*ledger_fields(ledger, lang),
              Field(tr(lang, "label.spent_split"), tr(lang, "label.spent_split_value",
                                                      entries=fmt.money(ledger.spent_entries, lang),
                                                      media=fmt.money(ledger.spent_media, lang))),
              Field(tr(lang, "label.used"), fmt.percent(used, lang, "1")),
              Field(tr(lang, "label.pacing"), pacing_text(pacing, lang))]
    sections = []
    if requests:
        lines = [f"{r.ref}  {fmt.money(r.amount, lang)}  {fmt.enum(lang, 'approval', r.status.value)}  "
                 f"{fmt.user_text(r.reason)}" for r in requests]
        sections.append(Section(tr(lang, "label.requests") + "\n" + "\n".join(lines)))
    if entries:
        lines = [f"{fmt.moment(e.recorded_at, tz, lang)}  {fmt.money(e.amount, lang)}  {fmt.user_text(e.note)}  "
                 f"{fmt.mention(e.recorded_by, lang)}" for e in entries[-10:]]
        sections.append(Section(tr(lang, "label.spend_entries") + "\n" + "\n".join(lines)))
    tone = PACE_TONES[pacing.band] if pacing else Tone.NEUTRAL
    return Card(title=tr(lang, "title.budget", ref=c.ref, name=fmt.user_text(c.name)), tone=tone, fields=tuple(fields),
                sections=tuple(sections), entity=c.ref)


def spend_recorded(c: Campaign, entry: SpendEntry, ledger: Ledger, lang: str) -> Card:
    tone = Tone.DANGER if ledger.remaining.amount < 0 else Tone.SUCCESS
    sections = (Section(tr(lang, "label.over_budget", amount=fmt.money(-ledger.remaining, lang))),) \
        if ledger.remaining.amount < 0 else ()
    return Card(title=tr(lang, "title.spend_recorded", amount=fmt.money(entry.amount, lang), ref=c.ref),
                tone=tone, fields=ledger_fields(ledger, lang), sections=sections, entity=c.ref)


def threshold_card(c: Campaign, ledger: Ledger, pacing: Pacing | None, level: int, lang: str) -> Card:
    used = ledger.used_share
    fields = (*ledger_fields(ledger, lang),
              Field(tr(lang, "label.used"), tr(lang, "label.used_value", share=fmt.percent(used, lang, "1"),
                                               approved=fmt.money(ledger.approved, lang))),
              Field(tr(lang, "label.pacing"), pacing_text(pacing, lang)))
    return Card(title=tr(lang, "title.budget_threshold", ref=c.ref, name=fmt.user_text(c.name), level=level),
                tone=Tone.DANGER if level >= 100 else Tone.WARNING, fields=fields, entity=c.ref,
                footer=tr(lang, "hint.campaign", ref=c.ref))
