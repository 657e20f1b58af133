"""Cards for tasks: one task (with Start and Done), lists, the kanban board and the text timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.actions import Action, ActionId
from bot.cards import Button, Card, Field, Section, Style, Tone
from bot.i18n import tr
from bot.presenters import fmt
from domain.campaign import Campaign
from domain.task import Task, TaskStatus

TONES = {TaskStatus.TODO: Tone.INFO, TaskStatus.DOING: Tone.INFO, TaskStatus.BLOCKED: Tone.WARNING,
         TaskStatus.DONE: Tone.SUCCESS}
COLUMNS = (TaskStatus.TODO, TaskStatus.DOING, TaskStatus.BLOCKED, TaskStatus.DONE)


def buttons(t: Task, lang: str) -> tuple[Button, ...]:
    result = []
    if t.status in (TaskStatus.TODO, TaskStatus.BLOCKED):
        result.append(Button(tr(lang, "button.start"), Action(ActionId.TASK_START, t.ref)))
    if t.is_open:
        result.append(Button(tr(lang, "button.done"), Action(ActionId.TASK_DONE, t.ref), Style.PRIMARY))
    return tuple(result)


def task_card(t: Task, c: Campaign, now: datetime, tz: ZoneInfo, lang: str, title_key: str = "") -> Card:
    status = fmt.enum(lang, "task", t.status.value)
    if t.is_overdue(now):
        status += " · " + tr(lang, "label.overdue")
    fields = [Field(tr(lang, "label.campaign"), fmt.named(c.ref, c.name)),
              Field(tr(lang, "label.assignee"), fmt.mention(t.assignee, lang)),
              Field(tr(lang, "label.due"), fmt.moment(t.due, tz, lang)),
              Field(tr(lang, "label.status"), status)]
    if t.blocked_reason:
        fields.append(Field(tr(lang, "label.blocked_reason"), fmt.user_text(t.blocked_reason)))
    title = fmt.named(t.ref, t.title)
    if title_key:
        title = tr(lang, title_key, title=title)
    tone = Tone.DANGER if t.is_overdue(now) else TONES[t.status]
    return Card(title=title, tone=tone, fields=tuple(fields), buttons=buttons(t, lang), entity=t.ref)


def task_line(t: Task, now: datetime, tz: ZoneInfo, lang: str, with_assignee: bool = True) -> str:
    flag = " ⚠" if t.is_overdue(now) else ""
    who = f"  {fmt.mention(t.assignee, lang)}" if with_assignee else ""
    return (f"{t.ref}  [{fmt.enum(lang, 'task', t.status.value)}]  {fmt.moment(t.due, tz, lang)}{flag}  "
            f"{fmt.user_text(t.title)}{who}")


def task_list(title: str, tasks: Sequence[Task], now: datetime, tz: ZoneInfo, lang: str) -> Card:
    title = fmt.user_text(title)  # it may name a campaign; it never mentions anyone
    if not tasks:
        return Card(title=title, sections=(Section(tr(lang, "empty.tasks")),))
    lines = [task_line(t, now, tz, lang) for t in tasks]
    return Card(title=title, sections=(Section("\n".join(lines)),), footer=tr(lang, "hint.tasks"))


def board(c: Campaign, tasks: Sequence[Task], now: datetime, tz: ZoneInfo, lang: str) -> Card:
    sections = []
    for column in COLUMNS:
        items = [t for t in tasks if t.status is column]
        lines = [f"• {fmt.named(t.ref, t.title)} ({fmt.mention(t.assignee, lang)}, {fmt.moment(t.due, tz, lang)})"
                 + (" ⚠" if t.is_overdue(now) else "") for t in items] or ["—"]
        heading = f"{fmt.enum(lang, 'task', column.value)} ({len(items)})"
        sections.append(Section(heading + "\n" + "\n".join(lines)))
    return Card(title=tr(lang, "title.board", ref=c.ref, name=fmt.user_text(c.name)), sections=tuple(sections),
                entity=c.ref)


def _span(c: Campaign, tasks: Sequence[Task], tz: ZoneInfo) -> tuple[date, date] | None:
    days = [t.due.astimezone(tz).date() for t in tasks if t.due]
    bounds = c.days()
    if bounds:
        days += list(bounds)
    return (min(days), max(days)) if days else None


def timeline(c: Campaign, tasks: Sequence[Task], now: datetime, tz: ZoneInfo, lang: str, width: int = 28) -> Card:
    span = _span(c, tasks, tz)
    title = tr(lang, "title.timeline", ref=c.ref, name=fmt.user_text(c.name))
    if span is None:
        return Card(title=title, sections=(Section(tr(lang, "empty.timeline")),), entity=c.ref)
    first, last = span
    total = max((last - first).days, 1)
    scale = min(1.0, width / total)
    today = now.astimezone(tz).date()

    def col(day: date) -> int:
        return round((day - first).days * scale)

    cols = col(last) + 1
    rows = []
    for t in sorted(tasks, key=lambda t: (t.due is None, t.due)):
        line = [" "] * cols
        if first <= today <= last:
            line[col(today)] = "|"
        if t.due:
            line[col(t.due.astimezone(tz).date())] = "✓" if t.status is TaskStatus.DONE else (
                "!" if t.is_overdue(now) else "●")
        due = fmt.day(t.due.astimezone(tz).date(), lang)[5:] if t.due else fmt.na(lang)
        rows.append(f"{t.ref:>6} {''.join(line)} {due}  {fmt.user_text(t.title)}")
    header = f"{'':>6} {first:%m-%d}{' ' * max(cols - 10, 1)}{last:%m-%d}"
    legend = tr(lang, "label.timeline_legend")
    marks = []
    if c.launch:
        marks.append(tr(lang, "label.launch_on", day=fmt.day(c.launch, lang)))
    return Card(title=title, sections=(Section("\n".join([header, *rows]), True),
                                       Section("  ".join([legend, *marks]))), entity=c.ref)


