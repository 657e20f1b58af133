"""Handlers for goals: set (under a parent, whose split is checked), link a campaign, show one goal with its
children, list the tree."""

from __future__ import annotations

from bot.cards import Reply, text_card
from bot.env import Env, Txn
from bot.goals import GoalTree
from bot.handlers import common
from bot.i18n import tr
from bot.presenters import goals as view
from domain import authz, refs
from domain import commands as c
from domain import events as e
from domain.audit import AuditAction
from domain.errors import NotFound
from domain.goals import Goal, Track, gaps, period

SET_GOALS = (authz.Who.MANAGER, authz.Who.ADMIN)


def _goal(env: Env, number: int) -> Goal:
    found = env.uow.goals.get(number, env.workspace_id)
    if found is None:
        raise NotFound(refs.goal(number))
    return found


def set_goal(cmd: c.SetGoal, env: Env) -> Reply:
    authz.require("goal set", env.actor.member, SET_GOALS)
    goal = Goal(workspace_id=env.workspace_id, name=cmd.name, metric=cmd.metric, target=cmd.target,
                period=period(cmd.period), owner=env.actor.user, created_at=env.now, channel=cmd.channel,
                parent_id=cmd.parent)
    parent = _goal(env, cmd.parent) if cmd.parent is not None else None
    if parent is not None:
        goal.check_child_of(parent)
    env.uow.goals.add(goal)
    common.audit(env, goal.ref, AuditAction.GOAL_SET, None, name=goal.name, metric=goal.metric,
                 target=goal.target, period=goal.period.label, channel=goal.channel,
                 parent=parent.ref if parent else None)
    tree = GoalTree(env.uow, env.uow.goals.list(env.workspace_id))
    split = gaps(parent, tree.children(parent)) if parent else []
    card = view.goal_set_card(tree.progress(goal, env.today), split, parent, env.actor.workspace.currency, env.lang)
    return Reply(card, public=True)


def link(cmd: c.LinkGoal, env: Env) -> Reply:
    authz.require("goal link", env.actor.member, SET_GOALS)
    goal = _goal(env, cmd.goal)
    campaign = common.campaign(env, cmd.campaign)
    if not goal.link(campaign.pk):
        return Reply(text_card(tr(env.lang, "goal.already_linked", campaign=campaign.ref, goal=goal.ref)))
    env.uow.goals.save(goal)
    common.audit(env, goal.ref, AuditAction.GOAL_LINKED, campaign.pk, campaign=campaign.ref)
    return Reply(text_card(tr(env.lang, "goal.linked", campaign=campaign.ref, goal=goal.ref)), public=True)


def show(cmd: c.ShowGoal, env: Env) -> Reply:
    goal = _goal(env, cmd.goal)
    tree = GoalTree(env.uow, env.uow.goals.list(env.workspace_id))
    children = tree.children(goal)
    parent = tree.goals.get(goal.parent_id) if goal.parent_id else None
    card = view.goal_card(tree.progress(goal, env.today), [tree.progress(ch, env.today) for ch in children],
                          gaps(goal, children), parent, env.actor.workspace.currency, env.lang)
    return Reply(card)


def list_(cmd: c.ListGoals, env: Env) -> Reply:
    tree = GoalTree(env.uow, env.uow.goals.list(env.workspace_id))
    rows = [(depth, tree.progress(g, env.today)) for depth, g in tree.ordered()]
    return Reply(view.tree_card(rows, env.actor.workspace.currency, env.lang))


def scan(cmd: c.ScanGoals, txn: Txn) -> None:
    """The weekly look (Mondays from the digest hour, each workspace in its own time zone): every goal whose period
    is under way and whose forecast misses its target by more than 10 % tells its owner, once a week (the key)."""
    for workspace in txn.uow.workspaces.all():
        local = txn.now.astimezone(workspace.tz)
        if local.weekday() != 0 or local.hour < txn.deps.settings.digest_hour:
            continue
        goals = txn.uow.goals.list(workspace.pk)
        if not goals:
            continue
        tree = GoalTree(txn.uow, goals)
        year, week, _ = local.date().isocalendar()
        for goal in goals:
            if not goal.period.first <= local.date() <= goal.period.last:
                continue
            progress = tree.progress(goal, local.date())
            if progress.track is Track.OFF:
                txn.record(e.GoalOffTrack(goal, progress, workspace, f"{year}-W{week:02d}"))
