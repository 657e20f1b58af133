"""Handlers for the portfolio (`overview`) and the web dashboard's sign-in link (`dashboard`)."""

from __future__ import annotations

import secrets

from bot import portfolio
from bot.cards import Reply
from bot.env import Env
from bot.presenters import portfolio as view
from domain import commands as c
from domain.signin import LINK_TTL, LoginLink
from domain.tokens import digest


def overview(cmd: c.Overview, env: Env) -> Reply:
    found = portfolio.summaries(env.uow, env.workspace_id, env.actor.user, portfolio.Scope(cmd.scope), env.now,
                                env.today)
    return Reply(view.overview(found, cmd.scope, env.lang))


def open_dashboard(cmd: c.OpenDashboard, env: Env) -> Reply:
    """A link for the asker alone (a private answer); only its hash is kept, and it opens one session."""
    token = secrets.token_urlsafe(32)
    env.uow.signins.add_link(LoginLink(env.workspace_id, env.actor.user, digest(token), env.now, env.now + LINK_TTL))
    url = f"{env.deps.settings.dashboard_url}/login/{token}"
    return Reply(view.dashboard_link(url, int(LINK_TTL.total_seconds() // 60), env.lang), secret=True)
