"""Handlers for tasks: add, assign, move through todo/doing/blocked/done, re-date, and the views."""

from __future__ import annotations

from bot.cards import Reply
from bot.env import Env
from bot.handlers import common
from bot.i18n import tr
from bot.identity import ensure_member
from bot.presenters import tasks as view
from domain import authz
from domain import commands as c
from domain import events as e
from domain.audit import TASK_MOVES, AuditAction
from domain.campaign import Campaign
from domain.task import Task, TaskMove


def add(cmd: c.AddTask, env: Env) -> Reply:
    campaign = common.open_campaign(env, cmd.campaign)
    authz.require("task add", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    if cmd.assignee:
        ensure_member(env.uow, env.actor.workspace, cmd.assignee, env.deps.settings, env.now)
    task = env.uow.tasks.add(Task(workspace_id=env.workspace_id, campaign_id=campaign.pk, title=cmd.title,
                                  created_at=env.now, assignee=cmd.assignee, due=cmd.due))
    common.audit(env, task.ref, AuditAction.TASK_ADDED, campaign.pk, title=task.title, assignee=task.assignee)
    if task.assignee:
        env.record(e.TaskAssigned(task, campaign, env.actor.user))
    return Reply(view.task_card(task, campaign, env.now, env.actor.tz, env.lang, "title.task_added"), public=True)


def _task_and_campaign(env: Env, number: int) -> tuple[Task, Campaign]:
    task = common.task(env, number)
    return task, common.campaign(env, task.campaign_id)


def assign(cmd: c.AssignTask, env: Env) -> Reply:
    task, campaign = _task_and_campaign(env, cmd.task)
    authz.require("task assign", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    common.open_campaign(env, task.campaign_id)
    ensure_member(env.uow, env.actor.workspace, cmd.assignee, env.deps.settings, env.now)
    task.assignee = cmd.assignee
    env.uow.tasks.save(task)
    common.audit(env, task.ref, AuditAction.TASK_ASSIGNED, campaign.id, assignee=cmd.assignee)
    env.record(e.TaskAssigned(task, campaign, env.actor.user))
    return Reply(view.task_card(task, campaign, env.now, env.actor.tz, env.lang, "title.task_assigned"), public=True)


def move(cmd: c.MoveTask, env: Env) -> Reply:
    task, campaign = _task_and_campaign(env, cmd.task)
    authz.require(f"task {cmd.move}", env.actor.member, authz.WORK_TASK, campaign, task)
    common.open_campaign(env, task.campaign_id)
    task.move(cmd.move, env.now)
    env.uow.tasks.save(task)
    common.audit(env, task.ref, TASK_MOVES[cmd.move], campaign.id, title=task.title)
    env.record(e.TaskMoved(task, campaign, cmd.move, env.actor.user))
    return Reply(view.task_card(task, campaign, env.now, env.actor.tz, env.lang, f"title.task_{cmd.move}"),
                 public=True)


def block(cmd: c.BlockTask, env: Env) -> Reply:
    task, campaign = _task_and_campaign(env, cmd.task)
    authz.require("task block", env.actor.member, authz.WORK_TASK, campaign, task)
    common.open_campaign(env, task.campaign_id)
    task.move(TaskMove.BLOCK, env.now, cmd.reason)
    env.uow.tasks.save(task)
    common.audit(env, task.ref, AuditAction.TASK_BLOCKED, campaign.id, comment=cmd.reason)
    env.record(e.TaskMoved(task, campaign, TaskMove.BLOCK, env.actor.user))
    return Reply(view.task_card(task, campaign, env.now, env.actor.tz, env.lang, "title.task_blocked"), public=True)


def due(cmd: c.SetTaskDue, env: Env) -> Reply:
    task, campaign = _task_and_campaign(env, cmd.task)
    authz.require("task due", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    common.open_campaign(env, task.campaign_id)
    before, task.due = task.due, cmd.due
    env.uow.tasks.save(task)
    common.audit(env, task.ref, AuditAction.TASK_DUE, campaign.id, due=cmd.due.isoformat(),
                 before=before.isoformat() if before else None)
    env.record(e.TaskRedated(task, campaign, before, env.actor.user))
    return Reply(view.task_card(task, campaign, env.now, env.actor.tz, env.lang, "title.task_due"), public=True)


def list_(cmd: c.ListTasks, env: Env) -> Reply:
    tz, lang = env.actor.tz, env.lang
    if cmd.scope == "campaign" and cmd.campaign is not None:
        campaign = common.campaign(env, cmd.campaign)
        tasks = env.uow.tasks.for_campaign(campaign.pk)
        title = tr(lang, "title.tasks_of", ref=campaign.ref, name=campaign.name)
    elif cmd.scope == "overdue":
        tasks = env.uow.tasks.open_due_before(env.workspace_id, env.now)
        title = tr(lang, "title.tasks_overdue")
    else:
        tasks = [t for t in env.uow.tasks.for_assignee(env.workspace_id, env.actor.user) if t.is_open]
        title = tr(lang, "title.tasks_mine")
    ordered = sorted(tasks, key=lambda t: (not t.is_open, t.due is None, t.due, t.id))
    return Reply(view.task_list(title, ordered, env.now, tz, lang))


def board(cmd: c.Board, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    tasks = sorted(env.uow.tasks.for_campaign(campaign.pk), key=lambda t: (t.due is None, t.due, t.id))
    return Reply(view.board(campaign, tasks, env.now, env.actor.tz, env.lang))


def timeline(cmd: c.Timeline, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    tasks = env.uow.tasks.for_campaign(campaign.pk)
    return Reply(view.timeline(campaign, tasks, env.now, env.actor.tz, env.lang))
