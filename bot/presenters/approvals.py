"""Cards for budget approval requests: the decision card with its buttons (the plan and any overrun, the budget
before and after, the desk's history, copies and attachments), lists, and the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.actions import Action, ActionId
from bot.cards import Button, Card, Field, Link, Section, Style, Tone
from bot.i18n import tr
from bot.presenters import approval_history as history
from bot.presenters import fmt
from domain.approval import OPEN, ApprovalRequest, ApprovalStatus
from domain.audit import AuditEntry
from domain.campaign import Campaign
from domain.ledger import Ledger, Pacing
from domain.money import Money

TONES = {ApprovalStatus.PENDING: Tone.WARNING, ApprovalStatus.APPROVED: Tone.SUCCESS,
         ApprovalStatus.REJECTED: Tone.DANGER, ApprovalStatus.WITHDRAWN: Tone.NEUTRAL,
         ApprovalStatus.RETURNED: Tone.INFO}


def step_label(r: ApprovalRequest, lang: str) -> str:
    """Where the request stands: `2 of 3: finance`, `3 of 3: @carol (added)`, `… → handed to @dan`, `… (round 2)`."""
    step = r.current
    if step is None:
        return status_words(r, lang)
    text = tr(lang, "label.step_of", n=r.current_step + 1, total=len(r.steps),
              role=history.who(step.role.value if step.role else None, step.signer, lang))
    if step.delegate:
        text += tr(lang, "label.handed_to", user=fmt.mention(step.delegate, lang))
    if r.round > 1:
        text += tr(lang, "label.round", n=r.round)
    return text


def status_words(r: ApprovalRequest, lang: str) -> str:
    """`withdrawn`, or `withdrawn: campaign cancelled` when it went with its campaign."""
    if r.status is ApprovalStatus.WITHDRAWN and r.closed_with:
        return tr(lang, "edit.withdrawn_with", status=fmt.enum(lang, "status", r.closed_with))
    return fmt.enum(lang, "approval", r.status.value)


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


def over_plan(planned: Money | None, approved_after: Money) -> tuple[Money, Decimal] | None:
    """How far approved money would stand (or stands) above the campaign's planned budget: amount and share."""
    if planned is None or planned.amount <= 0 or approved_after.amount <= planned.amount:
        return None
    over = approved_after - planned
    return over, over.amount / planned.amount


def _after(r: ApprovalRequest, ledger: Ledger) -> Money:
    """The approved budget with this request's money: already in it once approved."""
    return ledger.approved if r.status is ApprovalStatus.APPROVED else ledger.approved + r.amount


def money_fields(r: ApprovalRequest, ledger: Ledger, lang: str) -> list[Field]:
    """The plan, any overrun, and the budget before and after: `If approved` while it waits, `After approval` once
    approved, and only the budget as it stands once rejected, returned or withdrawn."""
    planned = ledger.planned
    fields = [Field(tr(lang, "label.planned_budget"), fmt.money(planned, lang) if planned else tr(
        lang, "label.no_plan"))]
    after = _after(r, ledger)
    over = over_plan(planned, after) if r.status in (*OPEN, ApprovalStatus.APPROVED) else None
    if over is not None:
        fields.append(Field(tr(lang, "label.over_plan"), tr(lang, "label.over_plan_value", amount=fmt.money(
            over[0], lang), percent=fmt.percent(over[1], lang, "0.1"))))
    if r.status not in (ApprovalStatus.PENDING, ApprovalStatus.APPROVED):
        return [*fields, Field(tr(lang, "label.budget_now"), budget_line(ledger, lang))]
    before = replace(ledger, approved=ledger.approved - r.amount) if r.status is ApprovalStatus.APPROVED else ledger
    key = "label.budget_after" if r.status is ApprovalStatus.PENDING else "label.budget_approved_after"
    return [*fields, Field(tr(lang, "label.budget_before"), budget_line(before, lang)),
            Field(tr(lang, key), tr(lang, "label.budget_after_value", approved=fmt.money(after, lang),
                                    remaining=fmt.money(after - ledger.spent, lang)))]


def decision_buttons(r: ApprovalRequest, lang: str, people: tuple[str, ...] = ()) -> tuple[Button, ...]:
    """Approve, Reject (asks why), Return (asks what to change) and Delegate (asks to whom; `people` for pickers
    that need a list)."""
    if r.status is not ApprovalStatus.PENDING:
        return ()
    stage = ".".join(map(str, r.stage))  # each button acts on the turn this card shows, or not at all
    return (Button(tr(lang, "button.approve"), Action(ActionId.APPROVE, r.ref, stage=stage), Style.PRIMARY),
            Button(tr(lang, "button.reject"), Action(ActionId.REJECT, r.ref, stage=stage), Style.DANGER),
            Button(tr(lang, "button.return"), Action(ActionId.RETURN, r.ref, stage=stage)),
            Button(tr(lang, "button.delegate"), Action(ActionId.DELEGATE, r.ref, stage=stage), choices=people))


def _people_fields(r: ApprovalRequest, lang: str) -> list[Field]:
    if not r.cc:
        return []
    return [Field(tr(lang, "label.copied_to"), ", ".join(fmt.mention(u, lang) for u in r.cc))]


def approval_card(r: ApprovalRequest, c: Campaign, ledger: Ledger, pacing: Pacing | None, tz: ZoneInfo,
                  lang: str, with_buttons: bool = True, trail_entries: Sequence[AuditEntry] = (),
                  people: tuple[str, ...] = ()) -> Card:
    """`ledger` is the campaign's ledger now; `trail_entries` the request's audit trail (the desk's moves)."""
    fields = (
        Field(tr(lang, "label.campaign"), fmt.named(c.ref, c.name)),
        Field(tr(lang, "label.requester"), fmt.mention(r.requester, lang)),
        Field(tr(lang, "label.amount"), fmt.money(r.amount, lang)),
        Field(tr(lang, "label.reason"), fmt.user_text(r.reason)),
        Field(tr(lang, "label.step"), step_label(r, lang)),
        *money_fields(r, ledger, lang),
        Field(tr(lang, "label.pacing"), pacing_text(pacing, lang)),
        *_people_fields(r, lang),
    )
    sections = tuple(Section(line) for line in history.lines(r, trail_entries, tz, lang))
    title = tr(lang, "title.approval", ref=r.ref, amount=fmt.money(r.amount, lang), status=status_words(r, lang))
    footer = tr(lang, "hint.returned", ref=r.ref, user=fmt.mention(r.requester, lang)) if (
        r.status is ApprovalStatus.RETURNED) else ""
    links = tuple(Link(fmt.user_text(a.name), a.url) for a in r.attachments)
    return Card(title=title, tone=TONES[r.status], fields=fields, sections=sections, footer=footer,
                buttons=decision_buttons(r, lang, people) if with_buttons else (), entity=r.ref, links=links)


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
