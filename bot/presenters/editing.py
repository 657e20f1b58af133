"""Cards for changes after the fact: a campaign re-dated (and the tasks it made overdue), a correction that follows
an alert a change made wrong, a question before closing a campaign with open work, an edit and an undo."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.actions import Action as ButtonAction
from bot.actions import ActionId
from bot.cards import Button, Card, Field, Section, Style, Tone
from bot.i18n import tr
from bot.presenters import fmt
from bot.presenters.campaigns import dates
from domain.approval import ApprovalRequest
from domain.campaign import Action as CampaignAction
from domain.campaign import Campaign
from domain.task import Task

Moved = Sequence[tuple[Task, datetime | None]]


def _line(t: Task, before: datetime | None, tz: ZoneInfo, lang: str) -> str:
    return f"{t.ref}  {fmt.moment(before, tz, lang)} → {fmt.moment(t.due, tz, lang)}  {fmt.user_text(t.title)}"


def shift_words(days: int, lang: str) -> str:
    key = "edit.shift_later" if days > 0 else "edit.shift_earlier" if days < 0 else "edit.shift_none"
    return tr(lang, key, n=abs(days))


def moved_card(c: Campaign, days: int, moved: Moved, overdue: Sequence[Task], now: datetime, tz: ZoneInfo,
               lang: str) -> Card:
    """The re-dating: the campaign's new dates, each task's old and new due, and the tasks now overdue."""
    sections = [Section(tr(lang, "label.new_dates", dates=dates(c, lang)) + "  " + shift_words(days, lang))]
    lines = [_line(t, before, tz, lang) for t, before in moved]
    sections.append(Section("\n".join(lines), True) if lines else Section(tr(lang, "empty.moved_tasks")))
    if overdue:
        late = [f"{t.ref}  {fmt.moment(t.due, tz, lang)}  {fmt.user_text(t.title)}" for t in overdue]
        sections.append(Section(tr(lang, "edit.now_overdue", n=len(overdue))))
        sections.append(Section("\n".join(late), True))
    return Card(title=tr(lang, "title.moved", ref=c.ref, name=fmt.user_text(c.name)),
                tone=Tone.WARNING if overdue else Tone.INFO, sections=tuple(sections), entity=c.ref)


def moved_notice(c: Campaign, moved: Moved, by: str, tz: ZoneInfo, lang: str) -> Card:
    """To an assignee: which of their tasks a re-dating moved."""
    lines = [_line(t, before, tz, lang) for t, before in moved]
    return Card(title=tr(lang, "edit.moved_notice_title", campaign=fmt.named(c.ref, c.name)), tone=Tone.INFO,
                sections=(Section(tr(lang, "edit.moved_notice_line", by=fmt.mention(by, lang))),
                          Section("\n".join(lines), True)))


def correction_redated(t: Task, c: Campaign, now: datetime, tz: ZoneInfo, lang: str) -> Card:
    """Follows a deadline alert about a date the task no longer has."""
    state = "edit.correction_overdue" if t.is_overdue(now) else "edit.correction_not_overdue"
    return Card(title=tr(lang, "edit.correction_title", title=fmt.named(t.ref, t.title)), tone=Tone.INFO,
                sections=(Section(tr(lang, "edit.correction_redated", due=fmt.moment(t.due, tz, lang),
                                     state=tr(lang, state))),),
                fields=(Field(tr(lang, "label.campaign"), fmt.named(c.ref, c.name)),))


def correction_gone(t: Task, c: Campaign, why: str, lang: str) -> Card:
    """Follows a deadline alert about a task deleted, or of a campaign that closed: nothing is due any more."""
    return Card(title=tr(lang, "edit.correction_title", title=fmt.named(t.ref, t.title)), tone=Tone.INFO,
                sections=(Section(tr(lang, f"edit.correction_{why}", campaign=fmt.named(c.ref, c.name))),))


def confirm_close(c: Campaign, action: CampaignAction, total: int, open_tasks: Sequence[Task],
                  waiting: Sequence[ApprovalRequest], lang: str) -> Card:
    """Before `complete` / `cancel` with open work: what is still open, what closing does, Confirm or Keep."""
    lines = []
    if open_tasks:
        lines.append(tr(lang, "edit.confirm_tasks", open=len(open_tasks), total=total))
    if waiting:
        listed = ", ".join(f"{r.ref} {fmt.money(r.amount, lang)}" for r in waiting)
        lines.append(tr(lang, "edit.confirm_requests", n=len(waiting), requests=listed))
        lines.append(tr(lang, "edit.confirm_withdraws"))
    confirm = ActionId.CONFIRM_CANCEL if action is CampaignAction.CANCEL else ActionId.CONFIRM_COMPLETE
    buttons = (Button(tr(lang, "button.confirm"), ButtonAction(confirm, c.ref), Style.DANGER),
               Button(tr(lang, "button.keep"), ButtonAction(ActionId.KEEP, c.ref)))
    return Card(title=tr(lang, f"edit.confirm_{action.value}_title", campaign=fmt.named(c.ref, c.name)),
                tone=Tone.WARNING, sections=(Section("\n".join(lines)),), buttons=buttons,
                footer=tr(lang, "edit.confirm_hint", command=f"{action.value} {c.ref} confirm"), entity=c.ref)


def withdrawn_section(withdrawn: Sequence[ApprovalRequest], lang: str) -> tuple[Section, ...]:
    if not withdrawn:
        return ()
    listed = ", ".join(f"{r.ref} {fmt.money(r.amount, lang)}" for r in withdrawn)
    return (Section(tr(lang, "edit.withdrawn_now", requests=listed)),)
