"""Cards for campaigns: one campaign, a list of them, the result of a re-dating."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cards import Card, Field, Section, Tone
from bot.i18n import tr
from bot.presenters import fmt
from domain.campaign import Campaign, Status
from domain.ledger import Ledger
from domain.metrics import Kpis
from domain.task import Task, TaskStatus

TONES = {Status.PLANNING: Tone.INFO, Status.ACTIVE: Tone.SUCCESS, Status.PAUSED: Tone.WARNING,
         Status.COMPLETED: Tone.NEUTRAL, Status.CANCELLED: Tone.NEUTRAL}


def dates(c: Campaign, lang: str) -> str:
    parts = []
    if c.start or c.end:
        parts.append(f"{fmt.day(c.start, lang)} → {fmt.day(c.end, lang)}")
    if c.launch:
        parts.append(tr(lang, "label.launch_on", day=fmt.day(c.launch, lang)))
    return "; ".join(parts) or fmt.na(lang)


def ledger_fields(ledger: Ledger, lang: str, spent: str = "label.spent") -> tuple[Field, ...]:
    fields = []
    if ledger.planned is not None:
        fields.append(Field(tr(lang, "label.planned"), fmt.money(ledger.planned, lang)))
    fields += [
        Field(tr(lang, "label.requested"), fmt.money(ledger.requested, lang)),
        Field(tr(lang, "label.approved"), fmt.money(ledger.approved, lang)),
        Field(tr(lang, spent), fmt.money(ledger.spent, lang)),
        Field(tr(lang, "label.remaining"), fmt.money(ledger.remaining, lang)),
    ]
    return tuple(fields)


def task_counts(tasks: Sequence[Task], now: datetime, lang: str) -> str:
    done = sum(1 for t in tasks if t.status is TaskStatus.DONE)
    overdue = sum(1 for t in tasks if t.is_overdue(now))
    return tr(lang, "label.task_counts", total=len(tasks), done=done, open=len(tasks) - done, overdue=overdue)


def kpi_line(c: Campaign, kpis: Kpis | None, lang: str) -> str:
    parts = []
    for metric, target in c.kpis.items():
        actual = fmt.kpi(metric, kpis.value(metric), c.currency, lang) if kpis else fmt.na(lang)
        parts.append(f"{metric.upper()} {actual} / {fmt.kpi(metric, target, c.currency, lang)}")
    return "; ".join(parts)


def campaign_card(c: Campaign, ledger: Ledger, tasks: Sequence[Task], kpis: Kpis | None, now: datetime,
                  lang: str) -> Card:
    fields = [
        Field(tr(lang, "label.status"), fmt.enum(lang, "status", c.status.value)),
        Field(tr(lang, "label.owner"), fmt.mention(c.owner, lang)),
        Field(tr(lang, "label.dates"), dates(c, lang)),
        *ledger_fields(ledger, lang),
        Field(tr(lang, "label.tasks"), task_counts(tasks, now, lang)),
    ]
    if c.kpis:  # ROI is judged all-in: the ledger's other spend (fees) counts with the media spend
        all_in = kpis.with_fees(ledger.spent_entries.amount) if kpis else None
        fields.append(Field(tr(lang, "label.kpis"), kpi_line(c, all_in, lang)))
    if c.template:
        fields.append(Field(tr(lang, "label.template"), fmt.user_text(c.template)))
    return Card(title=fmt.named(c.ref, c.name), tone=TONES[c.status], fields=tuple(fields), entity=c.ref,
                footer=tr(lang, "hint.campaign", ref=c.ref))


def created_card(c: Campaign, ledger: Ledger, tasks: Sequence[Task], now: datetime, tz: ZoneInfo,
                 lang: str, roles: Sequence[tuple[str, str]] = ()) -> Card:
    """`roles`: for a template's tasks, who does each (owner, design, media…) and what it delivers."""
    card = campaign_card(c, ledger, tasks, None, now, lang)
    lines = [f"{t.ref}  {fmt.moment(t.due, tz, lang)}  {fmt.user_text(t.title)}" for t in tasks]
    if len(roles) == len(lines):
        lines = [f"{line} · {fmt.enum(lang, 'sop_role', role)} → {fmt.user_text(deliverable)}"
                 for line, (role, deliverable) in zip(lines, roles, strict=True)]
    sections = (Section(tr(lang, "label.template_tasks", count=len(tasks))), Section("\n".join(lines), True)) \
        if tasks else ()
    return Card(title=tr(lang, "title.created", name=card.title), tone=Tone.SUCCESS, fields=card.fields,
                sections=sections, entity=c.ref, footer=card.footer)


def campaign_list(campaigns: Sequence[Campaign], scope: str, lang: str, others: int = 0) -> Card:
    if not campaigns:
        empty = tr(lang, "empty.campaigns_mine", n=others) if others else tr(lang, "empty.campaigns")
        return Card(title=tr(lang, "title.campaigns", scope=fmt.enum(lang, "scope", scope)),
                    sections=(Section(empty),))
    lines = [f"{c.ref}  {fmt.user_text(c.name)}  [{fmt.enum(lang, 'status', c.status.value)}]  "
             f"{fmt.mention(c.owner, lang)}  {dates(c, lang)}" for c in campaigns]
    return Card(title=tr(lang, "title.campaigns", scope=fmt.enum(lang, "scope", scope)),
                sections=(Section("\n".join(lines)),), footer=tr(lang, "hint.show"))


def moved_card(c: Campaign, diff: Sequence[tuple[Task, datetime | None]], tz: ZoneInfo, lang: str) -> Card:
    lines = [f"{t.ref}  {fmt.moment(old, tz, lang)} → {fmt.moment(t.due, tz, lang)}  {fmt.user_text(t.title)}"
             for t, old in diff]
    sections = [Section(tr(lang, "label.new_dates", dates=dates(c, lang)))]
    sections.append(Section("\n".join(lines), True) if lines else Section(tr(lang, "empty.moved_tasks")))
    return Card(title=tr(lang, "title.moved", ref=c.ref, name=fmt.user_text(c.name)), tone=Tone.INFO,
                sections=tuple(sections), entity=c.ref)
