"""Cards for anomaly alerts: what moved, by how much, against what, and what changed lately; then the same card
acknowledged or snoozed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from bot.actions import Action, ActionId
from bot.cards import Button, Card, Section, Style, Tone
from bot.i18n import tr
from bot.presenters import fmt
from domain.alerts import Evaluation
from domain.anomaly import Move
from domain.audit import AuditEntry
from domain.campaign import Campaign


def figure(metric: str, value: float, currency: str, lang: str) -> str:
    """A metric's value as a marketer reads it: money to the cent, rates in %, counts whole."""
    if metric in ("spend", "cpa"):
        return fmt.amount(Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP), currency, lang)
    if metric in ("ctr", "cvr"):
        return fmt.percent(Decimal(str(value)), lang)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def move_line(move: Move, currency: str, lang: str) -> str:
    change = fmt.percent(Decimal(str(abs(move.change))), lang, "1") if move.change is not None else fmt.na(lang)
    text = tr(lang, "label.move_up" if move.z > 0 else "label.move_down",
              metric=tr(lang, f"metric.{move.metric}"), value=figure(move.metric, move.value, currency, lang),
              baseline=figure(move.metric, move.baseline, currency, lang), change=change, z=f"{abs(move.z):.1f}")
    return f"{fmt.user_text(move.channel)} · {text}" if move.channel else text


def change_line(entry: AuditEntry, tz: ZoneInfo, lang: str) -> str:
    detail = entry.detail.get("amount") or entry.detail.get("title") or entry.detail.get("request") or ""
    what = fmt.enum(lang, "audit", entry.action)
    entity = f"  {entry.entity}" if entry.entity.startswith(("T-", "A-")) else ""
    return f"{fmt.moment(entry.at, tz, lang)}  {fmt.mention(entry.actor, lang)}  {what}{entity}" \
        + (f"  {fmt.user_text(str(detail))}" if detail else "")


def anomaly_buttons(ref: str, campaign: Campaign, lang: str) -> tuple[Button, ...]:
    return (Button(tr(lang, "button.ack"), Action(ActionId.ACK, ref), Style.PRIMARY),
            Button(tr(lang, "button.snooze"), Action(ActionId.SNOOZE, ref)))


def anomaly_card(c: Campaign, e: Evaluation, changes: Sequence[AuditEntry], tz: ZoneInfo, lang: str) -> Card:
    moved = "\n".join("• " + move_line(m, c.currency, lang) for m in e.moves)
    recent = "\n".join(change_line(entry, tz, lang) for entry in changes) or tr(lang, "label.no_changes")
    title = tr(lang, "title.anomaly", ref=c.ref, name=fmt.user_text(c.name), day=fmt.day(e.day, lang))
    return Card(title=title, tone=Tone.WARNING,
                sections=(Section(tr(lang, "label.what_moved") + "\n" + moved),
                          Section(tr(lang, "label.recent_changes") + "\n" + recent)),
                buttons=anomaly_buttons(e.ref, c, lang), entity=e.ref)


def with_note(card: Card, note: str, keep_buttons: bool) -> Card:
    """The alert as first sent, with a line saying what happened to it since."""
    return replace(card, sections=(*card.sections, Section(note)), buttons=card.buttons if keep_buttons else (),
                   tone=Tone.NEUTRAL if not keep_buttons else card.tone)


def acknowledged(card: Card, user: str, at: datetime, tz: ZoneInfo, lang: str) -> Card:
    return with_note(card, tr(lang, "label.acknowledged", user=fmt.mention(user, lang), at=fmt.moment(at, tz, lang)),
                     keep_buttons=False)


def snoozed_note(ref: str, user: str, until: datetime, tz: ZoneInfo, lang: str) -> str:
    return tr(lang, "label.snoozed", ref=ref, user=fmt.mention(user, lang), until=fmt.moment(until, tz, lang))
