"""Resolve who is asking: the workspace (created on first contact) and the member (seeded admins)."""

from __future__ import annotations

from datetime import datetime

from bot.context import Actor, Context
from bot.settings import Settings
from domain.people import Member, Platform, Role, Workspace
from domain.ports import UnitOfWork

WorkspaceCache = dict[tuple[Platform, str], Workspace]


def workspace_for(uow: UnitOfWork, ctx: Context, settings: Settings, cache: WorkspaceCache | None = None) -> Workspace:
    """The workspace of a request. Workspaces never change once stored, so one read from the database
    is kept (only rows that existed before this transaction: a new one could still be rolled back)."""
    cached = cache.get((ctx.platform, ctx.workspace)) if cache is not None else None
    if cached is not None:
        return cached
    workspace = uow.workspaces.by_key(ctx.platform, ctx.workspace)
    if workspace is not None and cache is not None:
        cache[(ctx.platform, ctx.workspace)] = workspace
    if workspace is None:
        workspace = uow.workspaces.add(Workspace(
            platform=ctx.platform, external_id=ctx.workspace, name=ctx.workspace,
            timezone=settings.timezone, lang=settings.lang_for(ctx.platform), currency=settings.currency))
    return workspace


def locale_lang(locale: str | None) -> str | None:
    if not locale:
        return None
    return "zh" if locale.lower().startswith("zh") else "en" if locale.lower().startswith("en") else None


def ensure_member(uow: UnitOfWork, workspace: Workspace, user: str, settings: Settings, now: datetime,
                  name: str = "") -> Member:
    """Everyone the workspace hears of is a member; seeded admins get their role on sight."""
    member = uow.members.get(workspace.pk, user)
    if member is None:
        member = uow.members.add(Member(workspace.pk, user, name, joined_at=now))
    if Role.ADMIN not in member.roles and _seeded(uow, workspace, user, settings) and member.grant(Role.ADMIN):
        uow.members.save(member)
    return member


def _seeded(uow: UnitOfWork, workspace: Workspace, user: str, settings: Settings) -> bool:
    """MEMS_ADMINS names this person for this workspace: `slack:T123:U0123` for team T123 alone; the two-part
    `slack:U0123` for the platform's one workspace, which is its first: a team that installs the app later never
    gets that admin (a Slack user id or a console name is not unique across workspaces)."""
    platform = workspace.platform.value
    if (platform, workspace.external_id, user) in settings.admin_seeds():
        return True
    if (platform, user) not in settings.admin_set():
        return False
    return workspace.pk == min(w.pk for w in uow.workspaces.all() if w.platform is workspace.platform)


def resolve(uow: UnitOfWork, ctx: Context, settings: Settings, now: datetime,
            cache: WorkspaceCache | None = None) -> Actor:
    workspace = workspace_for(uow, ctx, settings, cache)
    member = ensure_member(uow, workspace, ctx.user, settings, now, ctx.user_name)
    changed = False
    if ctx.timezone and member.timezone is None:
        member.timezone, changed = ctx.timezone, True
    hinted = locale_lang(ctx.lang)
    if hinted and member.lang is None and hinted != workspace.lang:
        member.lang, changed = hinted, True
    if ctx.user_name and member.display_name != ctx.user_name:
        member.display_name, changed = ctx.user_name, True
    if changed:
        uow.members.save(member)
    return Actor(workspace, member, ctx.channel, ctx.files)
