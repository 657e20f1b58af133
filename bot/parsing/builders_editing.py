"""Builders for changing things after the fact: closing with a confirmation, reopening, edits, deletions, undo."""

from __future__ import annotations

from decimal import Decimal

from bot.parsing import builders as b
from bot.parsing import values
from bot.parsing.args import Args
from bot.parsing.builders import CAMPAIGN, TASK, Builder
from bot.parsing.errors import ParseError
from domain import commands as c
from domain.campaign import KPI_METRICS, Action

CONFIRM = {"confirm": True, "yes": True, "确认": True, "确定": True}


def closing(action: Action) -> Builder:
    """`complete C-1` / `cancel C-1`, and `... confirm` to go ahead although work is still open."""
    def build(a: Args) -> c.Command:
        number = a.ref(CAMPAIGN, "campaign")
        confirmed = a.word(CONFIRM, "confirm") is not None
        a.done()
        return c.ChangeStatus(number, action, confirmed=confirmed)
    return build


def reopen(a: Args) -> c.Command:
    number = a.ref(CAMPAIGN, "campaign")
    a.done()
    return c.ChangeStatus(number, Action.REOPEN)



EDIT_OPTIONS = ("name", "budget", "owner", "start", "end", "kpi.*")
TASK_EDIT_OPTIONS = ("title", "due")
NONE = ("none", "off", "无", "删除")


def _kpis(a: Args) -> dict[str, Decimal | None]:
    """`kpi.roi=3` sets a target, `kpi.roi=none` removes it."""
    raw = a.prefixed("kpi.")
    removed = {metric: None for metric, value in raw.items() if value.strip().lower() in NONE}
    for metric in removed:
        if metric not in KPI_METRICS:
            raise ParseError("bad_kpi", metric=metric, allowed=", ".join(KPI_METRICS))
        a.options.pop(f"kpi.{metric}")
    return {**b.kpis_of(a), **removed}


def edit(a: Args) -> c.Command:
    number = a.ref(CAMPAIGN, "campaign")
    a.done()
    if not a.options:
        raise ParseError("missing_changes", accepted=", ".join(f"{k}=" for k in EDIT_OPTIONS))
    name = a.options.get("name")
    if name is not None and not name.strip():
        raise ParseError("missing_name")
    return c.EditCampaign(number, name=name.strip() if name else None,
                          budget=a.opt("budget", lambda raw: values.amount(raw, a.now.currency)),
                          owner=a.opt("owner", b.owner_of), start=a.opt_day("start"), end=a.opt_day("end"),
                          kpis=_kpis(a))


def task_edit(a: Args) -> c.Command:
    number = a.ref(TASK, "task")
    users = a.take_mentions()
    if len(users) > 1:
        raise ParseError("too_many_mentions", what="assignee")
    title = (a.options.get("title") or a.rest()).strip() or None
    command = c.EditTask(number, title=title, due=a.opt_moment("due"), assignee=users[0] if users else None)
    if command.title is None and command.due is None and command.assignee is None:
        raise ParseError("missing_changes", accepted="title=, due=, @assignee")
    return command


def task_delete(a: Args) -> c.Command:
    number = a.ref(TASK, "task")
    a.done()
    return c.DeleteTask(number)


def undo(a: Args) -> c.Command:
    a.done()
    return c.Undo()
