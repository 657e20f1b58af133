"""Handlers for a workspace's REST API tokens: create (shown once, stored hashed), revoke, list."""

from __future__ import annotations

import secrets

from bot.cards import Card, Reply, Section, Tone
from bot.env import Env
from bot.handlers import common
from bot.i18n import tr
from bot.presenters import fmt
from domain import authz
from domain import commands as c
from domain.audit import AuditAction
from domain.errors import InvalidInput
from domain.tokens import PREFIX, ApiToken, digest


def create(cmd: c.CreateToken, env: Env) -> Reply:
    authz.require("token", env.actor.member, authz.ADMIN_ONLY)
    if any(t.name == cmd.name for t in env.uow.tokens.active(env.workspace_id)):
        raise InvalidInput("name", "token_exists", value=cmd.name)
    token = PREFIX + secrets.token_urlsafe(32)
    env.uow.tokens.add(ApiToken(env.workspace_id, cmd.name, digest(token), env.actor.user, env.now))
    common.audit(env, f"token:{cmd.name}", AuditAction.TOKEN_CREATED, None)
    return Reply(Card(title=tr(env.lang, "title.token_created", name=cmd.name), tone=Tone.SUCCESS,
                      sections=(Section(token, mono=True), Section(tr(env.lang, "label.token_once")))), secret=True)


def revoke(cmd: c.RevokeToken, env: Env) -> Reply:
    authz.require("token", env.actor.member, authz.ADMIN_ONLY)
    found = next((t for t in env.uow.tokens.active(env.workspace_id) if t.name == cmd.name), None)
    if found is None:
        raise InvalidInput("name", "no_such_token", value=cmd.name)
    env.uow.tokens.revoke(found.pk, env.now)
    common.audit(env, f"token:{cmd.name}", AuditAction.TOKEN_REVOKED, None)
    return Reply(Card(title="", tone=Tone.SUCCESS, sections=(Section(tr(env.lang, "label.token_revoked",
                                                                        name=cmd.name)),)))


def list_(cmd: c.ListTokens, env: Env) -> Reply:
    authz.require("token", env.actor.member, authz.ADMIN_ONLY)
    tokens = env.uow.tokens.active(env.workspace_id)
    lines = [tr(env.lang, "label.token_line", name=t.name, user=fmt.mention(t.created_by, env.lang),
                at=fmt.moment(t.created_at, env.actor.tz, env.lang)) for t in tokens]
    return Reply(Card(title=tr(env.lang, "title.tokens"),
                      sections=(Section("\n".join(lines) or tr(env.lang, "empty.tokens")),)))
