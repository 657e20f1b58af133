"""Handlers for the retrospective: show it (or export it as Markdown), and add a note. A note is for the campaign's
team: its owner, its tasks' assignees, the people who recorded its work, managers and admins."""

from __future__ import annotations

from bot.cards import Reply, text_card
from bot.env import Env
from bot.handlers import common
from bot.i18n import tr
from bot.presenters import retro as view
from bot.retro import gather
from domain import commands as c
from domain.audit import AuditAction
from domain.errors import NotAllowed
from domain.people import Role
from domain.retro import RetroNote


def show(cmd: c.ShowRetro, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    retro = gather(env.uow, campaign, env.now)
    if cmd.export:
        return Reply(view.export_card(retro, env.actor.tz, env.lang))
    return Reply(view.retro_card(retro, env.actor.tz, env.lang))


def _team(env: Env, campaign_id: int, owner: str) -> set[str]:
    team = {owner}
    team |= {t.assignee for t in env.uow.tasks.for_campaign(campaign_id) if t.assignee}
    team |= {e.actor for e in env.uow.audit.for_campaign(campaign_id)}
    return team


def note(cmd: c.AddRetroNote, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    member = env.actor.member
    if not member.has(Role.MANAGER, Role.ADMIN) and env.actor.user not in _team(env, campaign.pk, campaign.owner):
        raise NotAllowed("retro note", ("owner", "assignee", "manager", "admin"))
    saved = env.uow.retros.add_note(RetroNote(env.workspace_id, campaign.pk, env.actor.user, env.now, cmd.text))
    common.audit(env, campaign.ref, AuditAction.RETRO_NOTE, campaign.pk, note=saved.text[:100])
    return Reply(text_card(tr(env.lang, "retro.noted", ref=campaign.ref)), public=True)
