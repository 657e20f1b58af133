"""Cards for budget approval requests: the decision card with its buttons, lists, and the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from bot.actions import Action, ActionId
from bot.cards import Button, Card, Field, Section, Style, Tone
from bot.i18n import tr
from bot.presenters import fmt
from domain.approval import ApprovalRequest, ApprovalStatus, Outcome
from domain.audit import AuditEntry
from domain.campaign import Campaign
from domain.ledger import Ledger, Pacing

TONES = {ApprovalStatus.PENDING: Tone.WARNING, ApprovalStatus.APPROVED: Tone.SUCCESS,
         ApprovalStatus.REJECTED: Tone.DANGER, ApprovalStatus.WITHDRAWN: Tone.NEUTRAL}


def step_label(r: ApprovalRequest, lang: str) -> str:
    if r.status is not ApprovalStatus.PENDING:
        return fmt.enum(lang, "approval", r.status.value)
    role = r.steps[r.current_step]
    return tr(lang, "label.step_of", n=r.current_step + 1, total=len(r.steps), role=fmt.enum(lang, "role", role))


def pacing_text(p: Pacing | None, lang: str) -> str:
    if p is None:
        return fmt.na(lang)
    band = fmt.enum(lang, "pace", p.band.value)
    if p.ratio is None:
        return band
    return tr(lang, "label.pacing_value", band=band, ratio=fmt.percent(p.ratio, lang, "1"),
              elapsed=fmt.percent(p.elapsed, lang, "1"))


def budget_line(ledger: Ledger, lang: str) -> str:
    return tr(lang, "label.budget_line", approved=fmt.money(ledger.approved, lang),
              spent=fmt.money(ledger.spent, lang), remaining=fmt.money(ledger.remaining, lang))


def outcome_lines(r: ApprovalRequest, tz: ZoneInfo, lang: str) -> list[str]:
    lines = []
    for d in r.decisions:
        verb = tr(lang, "label.approved_by" if d.outcome is Outcome.APPROVED else "label.rejected_by",
                  step=d.step + 1, role=fmt.enum(lang, "role", d.role), user=fmt.mention(d.decider, lang),
                  at=fmt.moment(d.at, tz, lang))
        lines.append(verb + (f" — “{fmt.user_text(d.comment)}”" if d.comment else ""))
    if r.status is ApprovalStatus.WITHDRAWN:
        lines.append(tr(lang, "label.withdrawn_by", user=fmt.mention(r.requester, lang),
                        at=fmt.moment(r.closed_at, tz, lang)))
    return lines


def decision_buttons(r: ApprovalRequest, lang: str) -> tuple[Button, ...]:
    if r.status is not ApprovalStatus.PENDING:
        return ()
    return (Button(tr(lang, "button.approve"), Action(ActionId.APPROVE, r.ref), Style.PRIMARY),
            Button(tr(lang, "button.reject"), Action(ActionId.REJECT, r.ref), Style.DANGER))


def approval_card(r: ApprovalRequest, c: Campaign, ledger: Ledger, pacing: Pacing | None, tz: ZoneInfo,
                  lang: str, with_buttons: bool = True) -> Card:
    """`ledger` is the campaign's ledger now; the card shows it before and after this request's money."""
    if r.status is ApprovalStatus.APPROVED:
        before = replace(ledger, approved=ledger.approved - r.amount)
        after = ledger.approved
    else:
        before = ledger
        after = ledger.approved + r.amount if r.status is ApprovalStatus.PENDING else ledger.approved
    remaining_after = after - ledger.spent
    fields = (
        Field(tr(lang, "label.campaign"), fmt.named(c.ref, c.name)),
        Field(tr(lang, "label.requester"), fmt.mention(r.requester, lang)),
        Field(tr(lang, "label.amount"), fmt.money(r.amount, lang)),
        Field(tr(lang, "label.reason"), fmt.user_text(r.reason)),
        Field(tr(lang, "label.step"), step_label(r, lang)),
        Field(tr(lang, "label.budget_before"), budget_line(before, lang)),
        Field(tr(lang, "label.budget_after"), tr(lang, "label.budget_after_value", approved=fmt.money(after, lang),
                                                  remaining=fmt.money(remaining_after, lang))),
        Field(tr(lang, "label.pacing"), pacing_text(pacing, lang)),
    )
    sections = tuple(Section(line) for line in outcome_lines(r, tz, lang))
    title = tr(lang, "title.approval", ref=r.ref, amount=fmt.money(r.amount, lang),
               status=fmt.enum(lang, "approval", r.status.value))
    return Card(title=title, tone=TONES[r.status], fields=fields, sections=sections,
                buttons=decision_buttons(r, lang) if with_buttons else (), entity=r.ref)


def trail(entries: Sequence[AuditEntry], tz: ZoneInfo, lang: str) -> Section:
    lines = [f"{fmt.moment(e.at, tz, lang)}  {fmt.mention(e.actor, lang)}  {fmt.enum(lang, 'audit', e.action)}"
             + (f" — {fmt.user_text(str(e.detail['comment']))}" if e.detail.get("comment") else "") for e in entries]
    return Section(tr(lang, "label.audit_trail") + "\n" + ("\n".join(lines) or "—"))


def approval_list(title: str, items: Sequence[tuple[ApprovalRequest, Campaign]], today: date,
                  lang: str) -> Card:
    if not items:
        return Card(title=title, sections=(Section(tr(lang, "empty.approvals")),))
    lines = []
    for r, c in items:
        age = (today - r.created_at.date()).days
        lines.append(f"{r.ref}  {fmt.money(r.amount, lang)}  {fmt.named(c.ref, c.name)}  {step_label(r, lang)}  "
                     f"{fmt.mention(r.requester, lang)}  " + tr(lang, "label.age_days", days=age))
    return Card(title=title, sections=(Section("\n".join(lines)),), footer=tr(lang, "hint.approvals"))
