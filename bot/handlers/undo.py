"""`undo`: the actor's own last change of the past few minutes, read back from the audit trail and reverted, unless
something has since depended on it (the entity changed again, or a correction would take spend below zero)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bot.cards import Card, Reply, Section
from bot.env import Env
from bot.handlers import common
from bot.handlers.metrics import figures_of
from bot.i18n import tr
from bot.presenters import fmt
from domain import commands as c
from domain import events as e
from domain import refs
from domain.audit import AuditAction, AuditEntry
from domain.errors import NothingToUndo, UndoBlocked
from domain.metrics import COUNTS, DailyMetric
from domain.money import Money
from domain.task import Task, TaskStatus

WINDOW = timedelta(minutes=10)
UNDOABLE = frozenset({AuditAction.METRICS_RECORDED, AuditAction.BUDGET_SPENT, AuditAction.BUDGET_CORRECTED,
                      AuditAction.TASK_EDITED, AuditAction.TASK_DELETED, AuditAction.CAMPAIGN_MOVED,
                      AuditAction.CAMPAIGN_EDITED})
UNDONE_SKIPPED = frozenset({AuditAction.UNDONE})  # a second undo takes back the change before


def _last(env: Env) -> AuditEntry:
    mine = env.uow.audit.by_actor(env.workspace_id, env.actor.user, env.now - WINDOW)
    undone = {entry.detail.get("undid") for entry in mine if entry.action is AuditAction.UNDONE}
    for entry in mine:
        if entry.action in UNDONE_SKIPPED:
            continue
        if str(entry.id) in undone:
            continue
        if entry.action not in UNDOABLE:
            raise _blocked(env, entry, "not_undoable", action=tr(env.lang, f"audit.{entry.action.value}"))
        return entry
    raise NothingToUndo(int(WINDOW.total_seconds() // 60))


def _blocked(env: Env, entry: AuditEntry, why: str, **params: str) -> UndoBlocked:
    return UndoBlocked(entry.entity, tr(env.lang, f"edit.undo_{why}", **params))


def undo(cmd: c.Undo, env: Env) -> Reply:
    entry = _last(env)
    REVERT[entry.action](env, entry)
    common.audit(env, entry.entity, AuditAction.UNDONE, entry.campaign_id, undid=entry.id,
                 comment=tr(env.lang, f"audit.{entry.action.value}"))
    what = tr(env.lang, f"audit.{entry.action.value}")
    text = tr(env.lang, "edit.undone_line", what=what, entity=entry.entity,
              at=fmt.moment(entry.at, env.actor.tz, env.lang))
    detail = entry.detail.get("comment", "")
    sections = (Section(text),) + ((Section(fmt.user_text(detail)),) if detail else ())
    return Reply(Card(title=tr(env.lang, "edit.undone_title", entity=entry.entity), sections=sections,
                      entity=entry.entity), public=True)


def _state(entry: AuditEntry) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(entry.detail.get("undo", "{}"))
    return loaded


def _spend(env: Env, entry: AuditEntry) -> None:
    campaign = common.campaign(env, entry.campaign_id or 0)
    entries = {s.id: s for s in env.uow.ledger.for_campaign(campaign.pk)}
    found = entries.get(int(entry.detail.get("entry", "0")))
    if found is None:
        raise _blocked(env, entry, "gone")
    if common.ledger(env, campaign).spent_entries.amount - found.amount.amount < 0:
        raise _blocked(env, entry, "corrected_since")
    env.uow.ledger.remove(found.pk)


def _campaign_edit(env: Env, entry: AuditEntry) -> None:
    campaign = common.open_campaign(env, entry.campaign_id or 0)
    state = _state(entry)
    if campaign.version != state["version"]:
        raise _blocked(env, entry, "changed_since")
    campaign.name, campaign.owner = state["name"], state["owner"]
    campaign.budget = Money(Decimal(state["budget"][0]), state["budget"][1]) if state["budget"] else None
    if campaign.budget is not None and campaign.budget.amount < common.ledger(env, campaign).approved.amount:
        raise _blocked(env, entry, "approved_since")
    campaign.start = date.fromisoformat(state["start"]) if state["start"] else None
    campaign.end = date.fromisoformat(state["end"]) if state["end"] else None
    campaign.kpis = {metric: Decimal(target) for metric, target in state["kpis"].items()}
    env.uow.campaigns.save(campaign)


def _campaign_move(env: Env, entry: AuditEntry) -> None:
    campaign = common.open_campaign(env, entry.campaign_id or 0)
    days = int(entry.detail.get("days", "0"))
    version = entry.detail.get("version")
    if version is not None and str(campaign.version) != version:
        raise _blocked(env, entry, "changed_since")
    shift = campaign.shift_by(-days)
    env.uow.campaigns.save(campaign)
    moved: list[tuple[Task, datetime | None]] = []
    wanted = {int(i) for i in entry.detail.get("tasks", "").split(",") if i}
    for task in env.uow.tasks.for_campaign(campaign.pk):
        if task.pk in wanted and task.is_open:
            before = task.due
            task.shift(shift)
            env.uow.tasks.save(task)
            moved.append((task, before))
    env.record(e.CampaignMoved(campaign, shift, env.actor.user, tuple(moved)))


def _task_edit(env: Env, entry: AuditEntry) -> None:
    number = refs.match(entry.entity)
    task = common.task(env, number[1] if number else 0)
    campaign = common.open_campaign(env, task.campaign_id)
    state = _state(entry)
    if task.version != state["version"]:
        raise _blocked(env, entry, "changed_since")
    before = task.due
    task.title, task.assignee = state["title"], state["assignee"]
    task.due = datetime.fromisoformat(state["due"]) if state["due"] else None
    env.uow.tasks.save(task)
    if task.due != before:
        env.record(e.TaskRedated(task, campaign, before, env.actor.user))


def _task_delete(env: Env, entry: AuditEntry) -> None:
    number = refs.match(entry.entity)
    state = _state(entry)
    campaign = common.open_campaign(env, entry.campaign_id or 0)
    task = Task(workspace_id=env.workspace_id, campaign_id=campaign.pk, title=state["title"],
                created_at=datetime.fromisoformat(state["created_at"]), assignee=state["assignee"],
                due=datetime.fromisoformat(state["due"]) if state["due"] else None,
                status=TaskStatus(state["status"]), blocked_reason=state["blocked_reason"],
                from_template=state["from_template"],
                done_at=datetime.fromisoformat(state["done_at"]) if state["done_at"] else None,
                id=number[1] if number else None, version=state["version"])
    env.uow.tasks.restore(task)


def _metrics_day(env: Env, entry: AuditEntry) -> None:
    campaign = common.campaign(env, entry.campaign_id or 0)
    day, channel = date.fromisoformat(entry.detail["day"]), entry.detail.get("channel", "")
    state = _state(entry)
    now = env.uow.metrics.get(campaign.pk, day, channel)
    if figures_of(now) != state["after"]:
        raise _blocked(env, entry, "changed_since")
    if state["before"] is None:
        env.uow.metrics.remove(campaign.pk, day, channel)
    else:
        env.uow.metrics.put(DailyMetric(campaign.workspace_id, campaign.pk, day, channel, **{
            name: _figure(name, value) for name, value in state["before"].items()}))
    env.record(e.MetricsRecorded(campaign, frozenset({day})))


def _figure(name: str, value: str | None) -> Any:
    if value is None:
        return None
    return int(value) if name in COUNTS else Decimal(value)


REVERT = {
    AuditAction.METRICS_RECORDED: _metrics_day,
    AuditAction.BUDGET_SPENT: _spend, AuditAction.BUDGET_CORRECTED: _spend,
    AuditAction.CAMPAIGN_EDITED: _campaign_edit, AuditAction.CAMPAIGN_MOVED: _campaign_move,
    AuditAction.TASK_EDITED: _task_edit, AuditAction.TASK_DELETED: _task_delete,
}
