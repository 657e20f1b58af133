"""Handlers for changing things after the fact: edit a campaign, edit or delete a task. Each change is audited
with what it was before (`undo` reads that back: bot/handlers/undo.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from bot.cards import Card, Reply, Section
from bot.env import Env
from bot.handlers import common
from bot.handlers.campaigns import card as campaign_card
from bot.i18n import tr
from bot.identity import ensure_member
from bot.presenters import fmt
from bot.presenters import tasks as task_view
from domain import authz
from domain import commands as c
from domain import events as e
from domain.audit import AuditAction
from domain.campaign import Campaign
from domain.errors import InvalidInput
from domain.money import Money
from domain.task import Task


def campaign_state(campaign: Campaign) -> dict[str, Any]:
    """What an edit may change, as text: kept in the audit trail, read back by `undo`."""
    budget = campaign.budget
    return {"name": campaign.name, "owner": campaign.owner,
            "budget": [str(budget.amount), budget.currency] if budget else None,
            "start": campaign.start.isoformat() if campaign.start else None,
            "end": campaign.end.isoformat() if campaign.end else None,
            "kpis": {metric: str(target) for metric, target in campaign.kpis.items()}}


def _changes(before: dict[str, Any], after: dict[str, Any]) -> str:
    parts = []
    for key, value in before.items():
        if value != after[key]:
            parts.append(f"{key}: {_shown(value)} → {_shown(after[key])}")
    return "; ".join(parts)


def _shown(value: Any) -> str:
    if value is None or value == {}:
        return "-"
    if isinstance(value, list):
        return Money.of(value[0], value[1]).format()
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def edit(cmd: c.EditCampaign, env: Env) -> Reply:
    campaign = common.open_campaign(env, cmd.campaign)
    authz.require("edit", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    before = campaign_state(campaign)
    if cmd.budget is not None:
        common.check_currency(env, cmd.budget)
        approved = common.ledger(env, campaign).approved
        if cmd.budget.amount < approved.amount:
            raise InvalidInput("budget", "budget_below_approved", ref=campaign.ref, approved=approved.format(),
                               value=cmd.budget.format())
        campaign.budget = cmd.budget
    if cmd.owner is not None:
        campaign.owner = ensure_member(env.uow, env.actor.workspace, cmd.owner, env.deps.settings, env.now).user_ref
    campaign.name = cmd.name if cmd.name is not None else campaign.name
    campaign.start = cmd.start or campaign.start
    campaign.end = cmd.end or campaign.end
    kpis = {**campaign.kpis, **{m: t for m, t in cmd.kpis.items() if t is not None}}
    campaign.kpis = {m: t for m, t in kpis.items() if not (m in cmd.kpis and cmd.kpis[m] is None)}
    campaign.__post_init__()  # the same checks as a new campaign: name, dates in order, KPI names
    env.uow.campaigns.save(campaign)
    after = campaign_state(campaign)
    common.audit(env, campaign.ref, AuditAction.CAMPAIGN_EDITED, campaign.pk, comment=_changes(before, after),
                 undo=json.dumps({**before, "version": campaign.version}))
    shown = campaign_card(env, campaign)
    lines = _changes(before, after) or tr(env.lang, "edit.nothing_changed")
    return Reply(replace(shown, title=tr(env.lang, "edit.edited_title", name=shown.title),
                         sections=(Section(fmt.user_text(lines)),)), public=True)


def task_state(task: Task) -> dict[str, Any]:
    return {"title": task.title, "assignee": task.assignee, "due": task.due.isoformat() if task.due else None}


def _task(env: Env, number: int, action: str) -> tuple[Task, Campaign]:
    task = common.task(env, number)
    campaign = common.campaign(env, task.campaign_id)
    authz.require(action, env.actor.member, authz.RUN_CAMPAIGN, campaign)
    common.open_campaign(env, task.campaign_id)
    return task, campaign


def task_edit(cmd: c.EditTask, env: Env) -> Reply:
    task, campaign = _task(env, cmd.task, "task edit")
    before, due_before, assignee_before = task_state(task), task.due, task.assignee
    task.title = cmd.title or task.title
    task.due = cmd.due or task.due
    if cmd.assignee:
        task.assignee = ensure_member(env.uow, env.actor.workspace, cmd.assignee, env.deps.settings,
                                      env.now).user_ref
    task.__post_init__()
    env.uow.tasks.save(task)
    common.audit(env, task.ref, AuditAction.TASK_EDITED, campaign.pk, comment=_changes(before, task_state(task)),
                 undo=json.dumps({**before, "version": task.version}))
    if task.due != due_before:
        env.record(e.TaskRedated(task, campaign, due_before, env.actor.user))
    if task.assignee != assignee_before:
        env.record(e.TaskAssigned(task, campaign, env.actor.user))
    return Reply(task_view.task_card(task, campaign, env.now, env.actor.tz, env.lang, "edit.task_edited_title"),
                 public=True)


def task_delete(cmd: c.DeleteTask, env: Env) -> Reply:
    task, campaign = _task(env, cmd.task, "task delete")
    env.uow.tasks.delete(task)
    kept = {**task_state(task), "status": task.status.value, "from_template": task.from_template,
            "created_at": task.created_at.isoformat(), "blocked_reason": task.blocked_reason,
            "done_at": task.done_at.isoformat() if task.done_at else None, "version": task.version}
    common.audit(env, task.ref, AuditAction.TASK_DELETED, campaign.pk, comment=task.title, undo=json.dumps(kept))
    env.record(e.TaskDeleted(task, campaign, env.actor.user))
    title = tr(env.lang, "edit.task_deleted_title", title=fmt.named(task.ref, task.title))
    return Reply(Card(title=title, sections=(Section(tr(env.lang, "edit.task_deleted_hint")),), entity=task.ref),
                 public=True)
