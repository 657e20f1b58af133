"""Slack OAuth v2 with bolt's own flow, for many teams: `GET /slack/install` (the "Add to Slack" page) and
`GET /slack/oauth_redirect`, installations and states in MEMS's database (installs.py); the installer becomes the
workspace's first admin; each request is served with its team's token; `app_uninstalled` and `tokens_revoked` stop
the team's sends (its data stays)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request, Response
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack import charts, render
from adapters.slack.client import TEAM_TOKEN
from adapters.slack.installs import InstallStore, StateStore
from adapters.slack.manifest import SCOPES
from adapters.slack.runtime import SlackRuntime
from bot.cards import Card
from bot.context import Context
from bot.parts import ChatParts
from domain import commands as c
from domain.people import Platform

log = logging.getLogger(__name__)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


def settings_for(parts: ChatParts, slack: SlackRuntime) -> AsyncOAuthSettings | None:
    """bolt's OAuth settings with MEMS's stores, or None in single-token mode."""
    settings = parts.settings
    if not settings.slack_oauth or slack.installations is None or settings.slack_client_secret is None:
        return None
    redirect = f"{settings.public_url}{REDIRECT_PATH}" if settings.public_url else None
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id, client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=sorted(SCOPES), redirect_uri=redirect, install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        installation_store=InstallStore(slack.installations), installation_store_bot_only=True,
        state_store=StateStore(slack.installations),
        callback_options=AsyncCallbackOptions(success=_Installed(parts, slack).success, failure=_failed),
        logger=logging.getLogger("slack_bolt.oauth"))


class _Installed:
    """After oauth.v2.access: the installer is the workspace's admin if it has none, and hears so in Slack."""

    def __init__(self, parts: ChatParts, slack: SlackRuntime) -> None:
        self.parts = parts
        self.slack = slack

    async def success(self, args: AsyncSuccessArgs) -> BoltResponse:
        found = args.installation
        team, user = found.team_id or "", found.user_id or ""
        log.info("Slack: MEMS installed in team %s", team)
        ctx = Context(Platform.SLACK, team, user, channel=None)
        try:
            reply = await self.parts.offload.run(self.parts.bus.handle, ctx, c.RecordInstall(found.team_name or ""))
            await self._tell(args, user, reply.card)
        except Exception as exc:  # the installation is saved; a welcome that failed must not fail the install
            log.warning("Slack: welcome after install failed (%s)", type(exc).__name__)
        response: BoltResponse = await args.default.success(args)
        return response

    async def _tell(self, args: AsyncSuccessArgs, user: str, card: Card) -> None:
        """The installer's direct message from the bot, with the token just granted."""
        if user:
            await self.slack.client.chat_postMessage(token=args.installation.bot_token, channel=user,
                                                     **render.message(card, nonce=charts.nonce()))


async def _failed(args: AsyncFailureArgs) -> BoltResponse:
    log.warning("Slack install failed (%s)", args.reason)
    response: BoltResponse = await args.default.failure(args)
    return response


def register(app: AsyncApp, slack: SlackRuntime) -> None:
    """Each request is served with its team's token; uninstalling or revoking stops the team's sends."""
    app.middleware(_team_token)
    app.event("app_uninstalled")(_Revocations(slack).uninstalled)
    app.event("tokens_revoked")(_Revocations(slack).revoked)


async def _team_token(req: AsyncBoltRequest, resp: BoltResponse, next: Any) -> BoltResponse:
    """Set on every request, never left from another: bolt runs the listeners after the middleware has returned, in
    tasks that copy this context (so it is not reset here)."""
    TEAM_TOKEN.set(req.context.bot_token)
    response: BoltResponse = await next()
    return response


class _Revocations:
    def __init__(self, slack: SlackRuntime) -> None:
        self.slack = slack

    async def uninstalled(self, body: dict[str, Any]) -> None:
        await self._revoke(str(body.get("team_id") or ""), "app_uninstalled")

    async def revoked(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):  # a user token alone does not stop the bot
            await self._revoke(str(body.get("team_id") or ""), "tokens_revoked")

    async def _revoke(self, team: str, reason: str) -> None:
        if self.slack.tokens is not None and team and await self.slack.tokens.revoke(team, reason):
            log.warning("Slack team %s: %s; its alerts stop until MEMS is installed again", team, reason)


def routes(router: APIRouter, handler: AsyncSlackRequestHandler) -> None:
    """The install page and the redirect: browsers' GETs, not signed by Slack (the OAuth state guards them)."""

    async def oauth(request: Request) -> Response:
        response: Response = await handler.handle(request)
        return response

    router.add_api_route(INSTALL_PATH, oauth, methods=["GET"], include_in_schema=False)
    router.add_api_route(REDIRECT_PATH, oauth, methods=["GET"], include_in_schema=False)
