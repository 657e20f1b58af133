"""Handlers for campaigns: create (from a template), list, show, lifecycle, re-date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cards import Card, Reply
from bot.env import Env
from bot.handlers import closing, common
from bot.i18n import tr
from bot.identity import ensure_member
from bot.parsing.values import END_OF_DAY
from bot.presenters import campaigns as view
from bot.presenters import editing as editing_view
from bot.presenters import fmt
from domain import authz
from domain import commands as c
from domain import events as e
from domain.audit import CAMPAIGN_ACTIONS, AuditAction
from domain.campaign import OPEN, Action, Campaign, Status, allowed_actions
from domain.errors import InvalidInput, InvalidTransition
from domain.task import Task
from domain.templates import Template, TemplateTask


def due_at(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=tz).astimezone(ZoneInfo("UTC"))


def _template(env: Env, cmd: c.NewCampaign) -> tuple[Template, list[tuple[TemplateTask, datetime]]] | None:
    """The template and its tasks' due times, counted from the campaign's launch (or start) date."""
    if cmd.template is None:
        return None
    template = env.deps.templates.get(cmd.template)
    first, second = ("launch", "start") if template.anchor == "launch" else ("start", "launch")
    field = first if getattr(cmd, first) else second
    anchor: date | None = getattr(cmd, field)
    if anchor is None:
        raise InvalidInput("template", "template_needs_date", value=template.name, anchor=template.anchor)
    try:
        return template, [(item, due_at(day, env.actor.workspace.tz)) for item, day in template.schedule(anchor)]
    except OverflowError:  # launch=0001-01-10 counts back past year 1 (or forward past 9999)
        raise InvalidInput(field, "template_out_of_calendar", value=anchor.isoformat(),
                           template=template.name) from None


def new(cmd: c.NewCampaign, env: Env) -> Reply:
    if cmd.budget is not None:
        common.check_currency(env, cmd.budget)
    plan = _template(env, cmd)
    owner = ensure_member(env.uow, env.actor.workspace, cmd.owner or env.actor.user, env.deps.settings, env.now)
    campaign = env.uow.campaigns.add(Campaign(
        workspace_id=env.workspace_id, name=cmd.name, owner=owner.user_ref, home_channel=env.actor.channel or "",
        created_by=env.actor.user, created_at=env.now, currency=env.actor.workspace.currency, budget=cmd.budget,
        start=cmd.start, end=cmd.end, launch=cmd.launch, template=plan[0].name if plan else None, kpis=cmd.kpis))
    tasks, roles = [], []
    if plan:
        for item, due in plan[1]:
            tasks.append(env.uow.tasks.add(Task(
                workspace_id=env.workspace_id, campaign_id=campaign.pk, title=item.title_in(env.lang),
                created_at=env.now, assignee=owner.user_ref, due=due, from_template=True)))
            roles.append((item.role, item.deliverable_in(env.lang)))  # who does it, and what it delivers
    common.audit(env, campaign.ref, AuditAction.CAMPAIGN_CREATED, campaign.pk, name=campaign.name,
                 template=campaign.template)
    card = view.created_card(campaign, common.ledger(env, campaign), tasks, env.now, env.actor.tz, env.lang, roles)
    return Reply(card, public=True)


def list_(cmd: c.ListCampaigns, env: Env) -> Reply:
    statuses = None if cmd.scope == "all" else OPEN
    owner = env.actor.user if cmd.scope == "mine" else None
    found = env.uow.campaigns.list(env.workspace_id, statuses=statuses if cmd.scope != "mine" else None, owner=owner)
    # "mine" and none: say whether the workspace has others' campaigns, not "no campaigns yet"
    others = len(env.uow.campaigns.list(env.workspace_id, statuses=None, owner=None)) if (
        cmd.scope == "mine" and not found) else 0
    return Reply(view.campaign_list(found, cmd.scope, env.lang, others))


def card(env: Env, campaign: Campaign) -> Card:
    tasks = env.uow.tasks.for_campaign(campaign.pk)
    kpis = env.uow.metrics.totals(campaign.pk) if campaign.kpis else None
    return view.campaign_card(campaign, common.ledger(env, campaign), tasks, kpis, env.now, env.lang)


def change_status(cmd: c.ChangeStatus, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    who = authz.REOPEN_CAMPAIGN if cmd.action is Action.REOPEN else authz.RUN_CAMPAIGN
    authz.require(cmd.action.value, env.actor.member, who, campaign)
    question = closing.ask_first(cmd, env, campaign)
    if question is not None:
        return question
    before = campaign.status
    campaign.transition(cmd.action, common.ledger(env, campaign).approved)
    env.uow.campaigns.save(campaign)
    common.audit(env, campaign.ref, CAMPAIGN_ACTIONS[cmd.action], campaign.id, before=before.value,
                 after=campaign.status.value)
    if campaign.status is Status.COMPLETED:  # its retrospective goes to the home channel (issue 13)
        env.record(e.CampaignCompleted(campaign, env.actor.user))
    withdrawn = closing.after(env, campaign)
    result = card(env, campaign)
    title = tr(env.lang, "title.status_changed", name=result.title,
               status=fmt.enum(env.lang, "status", campaign.status.value))
    return Reply(Card(title=title, tone=result.tone, fields=result.fields, entity=result.entity,
                      sections=editing_view.withdrawn_section(withdrawn, env.lang)), public=True)


def _shift_days(cmd: c.MoveCampaign, campaign: Campaign) -> int:
    """How far to move: `by=` and relative forms count from the campaign's own date, a date from that date."""
    if not campaign.is_open:
        raise InvalidTransition(campaign.ref, campaign.status.value, "move", allowed_actions(campaign.status))
    if cmd.key == "by":
        if campaign.anchor() is None:
            raise InvalidInput("by", "no_anchor", ref=campaign.ref)
        return cmd.days or 0
    current = campaign.dated_by(cmd.key)
    return cmd.days if cmd.days is not None else ((cmd.launch or current) - current).days


def _move_tasks(env: Env, campaign: Campaign, shift: timedelta) -> list[tuple[Task, datetime | None]]:
    """The campaign's open template tasks shifted with it (not saved yet), each with its due time before."""
    moved: list[tuple[Task, datetime | None]] = []
    for task in env.uow.tasks.for_campaign(campaign.pk):
        if task.is_open and task.from_template and shift.days:
            old = task.due
            task.shift(shift)
            moved.append((task, old))
    return moved


def move(cmd: c.MoveCampaign, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    authz.require("move", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    days = _shift_days(cmd, campaign)
    try:
        shift = campaign.shift_by(days)
        moved = _move_tasks(env, campaign, shift)
    except OverflowError:  # a date, or a task's due time, before year 1 or after 9999; nothing is committed
        raise InvalidInput(cmd.key, "move_out_of_calendar", ref=campaign.ref, days=days) from None
    env.uow.campaigns.save(campaign)
    for task, _ in moved:
        env.uow.tasks.save(task)
    overdue = [t for t, old in moved if t.is_overdue(env.now) and not (old is not None and old < env.now)]
    common.audit(env, campaign.ref, AuditAction.CAMPAIGN_MOVED, campaign.pk, days=shift.days,
                 launch=campaign.launch.isoformat() if campaign.launch else None,
                 start=campaign.start.isoformat() if campaign.start else None, version=campaign.version,
                 tasks=",".join(str(t.pk) for t, _ in moved))
    env.record(e.CampaignMoved(campaign, shift, env.actor.user, tuple(moved)))
    return Reply(editing_view.moved_card(campaign, shift.days, moved, overdue, env.now, env.actor.tz, env.lang),
                 public=True)
