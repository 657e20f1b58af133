"""Handlers for help, templates, roles, personal settings and channel subscriptions."""

from __future__ import annotations

from functools import lru_cache

from bot.cards import Card, Reply
from bot.catalog import TemplateCatalog
from bot.env import Env
from bot.handlers import approval_desk, common
from bot.i18n import tr
from bot.identity import ensure_member
from bot.presenters import admin as view
from domain import authz
from domain import commands as c
from domain.audit import AuditAction
from domain.errors import InvalidInput, NotAllowed
from domain.notifications import Subscription
from domain.people import Role, check_lang, check_timezone


# Static answers are rendered once per language (a Card is immutable, so every asker can share one): the help from
# the command table, the templates from the catalog loaded at start. Bounded: a topic is whatever a user typed.
@lru_cache(maxsize=512)
def help_card(topic: str | None, lang: str) -> Card:
    return view.help_card(topic, lang)


_TEMPLATE_CARDS: dict[tuple[int, str], tuple[TemplateCatalog, Card]] = {}


def templates_card(catalog: TemplateCatalog, lang: str) -> Card:
    kept = _TEMPLATE_CARDS.get((id(catalog), lang))
    if kept is None or kept[0] is not catalog:  # the catalog is kept with its card: an id is never mistaken
        if len(_TEMPLATE_CARDS) >= 64:  # one catalog per process, unless tests build many
            _TEMPLATE_CARDS.clear()
        kept = _TEMPLATE_CARDS[(id(catalog), lang)] = (catalog, view.templates_card(catalog, lang))
    return kept[1]


def static(command: c.Command, lang: str, catalog: TemplateCatalog) -> Reply | None:
    """The answer to a command whose answer is the same for everyone who reads `lang` (help, templates), or None:
    such an answer needs no one resolved and nothing read or stored."""
    if isinstance(command, c.Help):
        return Reply(help_card(command.topic, lang))
    if isinstance(command, c.ListTemplates):
        return Reply(templates_card(catalog, lang))
    return None


def help_(cmd: c.Help, env: Env) -> Reply:
    return Reply(help_card(cmd.topic, env.lang))


def templates(cmd: c.ListTemplates, env: Env) -> Reply:
    return Reply(templates_card(env.deps.templates, env.lang))


def roles(cmd: c.ListRoles, env: Env) -> Reply:
    return Reply(view.roles_card(env.uow.members.all(env.workspace_id), env.lang))


def change_role(cmd: c.ChangeRole, env: Env) -> Reply:
    authz.require("role", env.actor.member, authz.ADMIN_ONLY)
    member = ensure_member(env.uow, env.actor.workspace, cmd.user, env.deps.settings, env.now)
    last_admin = len(env.uow.members.holders(env.workspace_id, Role.ADMIN)) <= 1
    if not cmd.grant and cmd.role is Role.ADMIN and member.has(Role.ADMIN) and last_admin:
        raise InvalidInput("role", "last_admin", user=member.user_ref)
    changed = member.grant(cmd.role) if cmd.grant else member.revoke(cmd.role)
    if changed:
        env.uow.members.save(member)
        action = AuditAction.ROLE_GRANTED if cmd.grant else AuditAction.ROLE_REVOKED
        common.audit(env, f"@{member.user_ref}", action, None, role=cmd.role.value)
    return Reply(view.role_changed(member, cmd.role, cmd.grant, changed, env.lang), public=changed)


def settings(cmd: c.UpdateSettings, env: Env) -> Reply:
    member = env.actor.member
    changed = False
    if cmd.timezone is not None:
        member.timezone, changed = check_timezone(cmd.timezone), True
    if cmd.lang is not None:
        member.lang, changed = check_lang(cmd.lang), True
    if cmd.quiet is not None or cmd.quiet_off:
        member.quiet, changed = cmd.quiet, True
    changed = approval_desk.update_away(cmd, env) or changed
    if changed:
        env.uow.members.save(member)
    return Reply(view.settings_card(member, env.actor.workspace, member.lang_in(env.actor.workspace), changed))


def _scope(env: Env, number: int | None, action: str) -> tuple[int | None, str]:
    if number is None:
        authz.require(action, env.actor.member, (authz.Who.MANAGER, authz.Who.ADMIN))
        return None, tr(env.lang, "label.all_campaigns")
    campaign = common.campaign(env, number)
    authz.require(action, env.actor.member, authz.SUBSCRIBERS, campaign)
    return campaign.id, f"{campaign.ref} {campaign.name}"


def subscribe(cmd: c.Subscribe, env: Env) -> Reply:
    campaign_id, scope = _scope(env, cmd.campaign, "subscribe")
    if not env.actor.channel:
        raise NotAllowed("subscribe", ("a channel",))
    sub = Subscription(env.workspace_id, env.actor.channel, campaign_id, cmd.kinds)
    env.uow.subscriptions.put(sub)
    common.audit(env, f"#{env.actor.channel}", AuditAction.SUBSCRIPTION_ADDED, campaign_id,
                 kinds=",".join(sorted(cmd.kinds)))
    return Reply(view.subscription_card(sub, scope, False, env.lang), public=True)


def unsubscribe(cmd: c.Unsubscribe, env: Env) -> Reply:
    campaign_id, scope = _scope(env, cmd.campaign, "unsubscribe")
    removed = bool(env.actor.channel) and env.uow.subscriptions.remove(env.workspace_id, env.actor.channel or "",
                                                                       campaign_id)
    if removed:
        common.audit(env, f"#{env.actor.channel}", AuditAction.SUBSCRIPTION_REMOVED, campaign_id)
    return Reply(view.subscription_card(None, scope, removed, env.lang), public=removed)
