"""Cards for alerts: deadlines, approval reminders, the daily digest, and a folded burst. Every card is
written in its reader's language and time zone; the first section is a one-line summary, which is what a
folded card lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cards import Card, Field, Section, Tone
from bot.i18n import tr
from bot.presenters import fmt
from bot.presenters.tasks import buttons as task_buttons
from domain.approval import ApprovalRequest
from domain.campaign import Campaign
from domain.portfolio import Risk, Summary
from domain.task import Task

DIGEST_LINES = 20


def span(delta: timedelta, lang: str) -> str:
    """A duration as people say it: 40 min, 5 h, 2 d 3 h."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return tr(lang, "span.minutes", m=minutes)
    hours = minutes // 60
    if hours < 48:
        return tr(lang, "span.hours", h=hours)
    if hours % 24 == 0:
        return tr(lang, "span.days", d=hours // 24)
    return tr(lang, "span.days_hours", d=hours // 24, h=hours % 24)


def _task_card(t: Task, c: Campaign, title_key: str, line: str, tone: Tone, lang: str) -> Card:
    return Card(title=tr(lang, title_key, title=fmt.named(t.ref, t.title)), tone=tone, sections=(Section(line),),
                fields=(Field(tr(lang, "label.campaign"), fmt.named(c.ref, c.name)),),
                buttons=task_buttons(t, lang), footer=tr(lang, "alert.task_hint", ref=t.ref), entity=t.ref)


def deadline_soon(t: Task, c: Campaign, now: datetime, tz: ZoneInfo, lang: str) -> Card:
    assert t.due is not None
    line = tr(lang, "alert.soon_line", due=fmt.moment(t.due, tz, lang), left=span(t.due - now, lang),
              campaign=fmt.named(c.ref, c.name))
    return _task_card(t, c, "alert.soon_title", line, Tone.WARNING, lang)


def overdue(t: Task, c: Campaign, now: datetime, tz: ZoneInfo, lang: str, escalate: bool = False) -> Card:
    assert t.due is not None
    line = tr(lang, "alert.escalate_line" if escalate else "alert.overdue_line", due=fmt.moment(t.due, tz, lang),
              late=span(now - t.due, lang), assignee=fmt.mention(t.assignee, lang), owner=fmt.mention(c.owner, lang))
    return _task_card(t, c, "alert.escalate_title" if escalate else "alert.overdue_title", line, Tone.DANGER, lang)


def reminder(card: Card, waited: timedelta, lang: str) -> Card:
    """The approval card itself, buttons and all, under a title that says how long it has waited."""
    return replace(card, title=tr(lang, "alert.reminder_title", waited=span(waited, lang), title=card.title))


def folded_card(cards: Sequence[Card], lang: str) -> Card:
    """One message for a burst: each alert's title and summary line; the worst tone wins."""
    order = (Tone.NEUTRAL, Tone.INFO, Tone.SUCCESS, Tone.WARNING, Tone.DANGER)
    tone = max((c.tone for c in cards), key=order.index)
    lines = []
    for card in cards:
        summary = card.sections[0].text.splitlines()[0] if card.sections else ""
        lines.append(f"• {card.title}" + (f"\n  {summary}" if summary else ""))
    return Card(title=tr(lang, "alert.folded_title", n=len(cards)), tone=tone, sections=(Section("\n".join(lines)),),
                footer=tr(lang, "alert.folded_hint"))


def _section(heading: str, lines: list[str], lang: str) -> Section:
    shown = lines[:DIGEST_LINES]
    if len(lines) > DIGEST_LINES:
        shown.append(tr(lang, "digest.more", n=len(lines) - DIGEST_LINES))
    return Section(heading + "\n" + "\n".join(shown))


# What the digest tells of a campaign's figures: money over budget, a KPI missed, an anomaly nobody acknowledged.
DIGEST_RISKS = (Risk.OVER_BUDGET, Risk.ROI_MISS, Risk.ANOMALY)


def _risk_line(s: Summary, lang: str) -> str:
    said = [tr(lang, f"digest.risk.{r.value}", over=fmt.money(s.ledger.spent - s.ledger.approved, lang),
               roi=fmt.roi(s.roi, lang), target=fmt.roi(s.roi_target, lang), n=s.figures.anomalies)
            for r in s.risks if r in DIGEST_RISKS]
    return f"• {fmt.named(s.campaign.ref, s.campaign.name)} · {fmt.mention(s.campaign.owner, lang)}: " + "; ".join(said)


def digest(day: date, overdue_tasks: Sequence[Task], due_today: Sequence[Task],
           pending: Sequence[tuple[ApprovalRequest, Campaign, Sequence[str]]], now: datetime, tz: ZoneInfo, lang: str,
           scope: str = "", week: Sequence[Task] = (), risky: Sequence[Summary] = ()) -> Card:
    """Overdue (that someone can still act on), due today and this week, approvals waiting, and the campaigns over
    budget, missing their ROI target or with an open anomaly."""
    def task_line(t: Task) -> str:
        return f"• {fmt.named(t.ref, t.title)} — {fmt.moment(t.due, tz, lang)} · {fmt.mention(t.assignee, lang)}"

    sections = []
    if overdue_tasks:
        sections.append(_section(tr(lang, "digest.overdue", n=len(overdue_tasks)),
                                 [task_line(t) for t in overdue_tasks], lang))
    if due_today:
        sections.append(_section(tr(lang, "digest.due_today", n=len(due_today)), [task_line(t) for t in due_today],
                                 lang))
    if week:
        sections.append(_section(tr(lang, "digest.due_week", n=len(week)), [task_line(t) for t in week], lang))
    if risky:
        sections.append(_section(tr(lang, "digest.figures", n=len(risky)), [_risk_line(s, lang) for s in risky], lang))
    if pending:
        lines = [f"• {r.ref} {fmt.money(r.amount, lang)} · {fmt.named(c.ref, c.name)} · "
                 + tr(lang, "digest.waiting_for", people=", ".join(fmt.mention(u, lang) for u in asked) or "—",
                      waited=span(now - (r.step_since or r.created_at), lang)) for r, c, asked in pending]
        sections.append(_section(tr(lang, "digest.approvals", n=len(pending)), lines, lang))
    if not sections:
        sections.append(Section(tr(lang, "digest.clear")))
    tone = Tone.WARNING if overdue_tasks or risky else Tone.INFO
    return Card(title=tr(lang, "digest.title", day=fmt.day(day, lang)), tone=tone, sections=tuple(sections),
                footer=tr(lang, "digest.scope", scope=fmt.user_text(scope)) if scope else "")
