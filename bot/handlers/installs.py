"""Handlers for installations: the person who installs MEMS in a workspace with no admin yet becomes its admin."""

from __future__ import annotations

from bot.cards import Reply, Tone, text_card
from bot.env import Env
from bot.handlers import common
from bot.i18n import tr
from domain import commands as c
from domain.audit import AuditAction
from domain.people import Role


def record(cmd: c.RecordInstall, env: Env) -> Reply:
    member = env.actor.member
    first = not env.uow.members.holders(env.workspace_id, Role.ADMIN)
    if first and member.grant(Role.ADMIN):
        env.uow.members.save(member)
        common.audit(env, f"@{member.user_ref}", AuditAction.ROLE_GRANTED, None, role=Role.ADMIN.value,
                     reason="installed")
    name = cmd.workspace_name or env.actor.workspace.name
    key = "install.admin" if member.has(Role.ADMIN) else "install.member"
    return Reply(text_card(tr(env.lang, key, team=name), Tone.SUCCESS))
