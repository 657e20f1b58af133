"""Slack OAuth v2 for many teams: bolt's installation and state stores over MEMS's own Installations (the database
every replica shares), and each team's bot token for calls made outside a request (delivery), rotated when the app
has token rotation on. A team that uninstalled MEMS, or whose token was revoked, has no token: its sends fail for
good, naming why."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store import Installation as SlackInstallation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import TEAM_TOKEN
from adapters.slack.translate import team_of
from bot.ports import InboxItem, Installation, Installations
from domain.people import Platform

log = logging.getLogger(__name__)
ROTATE_MINUTES = 120  # rotate a token this long before it expires (bolt's default, and Slack's tokens last 12 h)
STATE_SECONDS = 600


class NotInstalled(Exception):
    """The team has no live installation; `reason` is why (not_installed, app_uninstalled, tokens_revoked)."""

    def __init__(self, team: str, reason: str) -> None:
        super().__init__(f"MEMS is not installed in Slack team {team} ({reason})")
        self.team = team
        self.reason = reason


def _at(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _when(epoch: float | int | None) -> datetime | None:
    return datetime.fromtimestamp(float(epoch), UTC) if epoch else None


def from_bot(bot: Bot, installer: str = "", name: str | None = None) -> Installation:
    return Installation(Platform.SLACK, bot.team_id or "", bot.bot_token, name=name or bot.team_name or "",
                        bot_user=bot.bot_user_id or "", bot_id=bot.bot_id or "", app_id=bot.app_id or "",
                        enterprise=bot.enterprise_id, installer=installer, scopes=",".join(bot.bot_scopes or ()),
                        refresh_token=bot.bot_refresh_token, expires_at=_when(bot.bot_token_expires_at),
                        installed_at=_when(bot.installed_at) or datetime.now(UTC))


def to_bot(found: Installation) -> Bot:
    expires = _at(found.expires_at)
    return Bot(app_id=found.app_id or None, enterprise_id=found.enterprise, team_id=found.workspace,
               team_name=found.name, bot_token=found.bot_token, bot_id=found.bot_id, bot_user_id=found.bot_user,
               bot_scopes=found.scopes, bot_refresh_token=found.refresh_token,
               bot_token_expires_at=int(expires) if expires else None,
               installed_at=_at(found.installed_at) or time.time())


class InstallStore(AsyncInstallationStore):
    """bolt's installation store: saves what oauth.v2.access answered, finds a team's live bot (bot only: MEMS asks
    for no user token)."""

    def __init__(self, installations: Installations) -> None:
        self.installations = installations

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: SlackInstallation) -> None:
        await self.async_save_bot(installation.to_bot(), installer=installation.user_id or "")

    async def async_save_bot(self, bot: Bot, installer: str | None = None) -> None:
        if installer is None:  # a rotated token: the installer stays who it was
            old = await asyncio.to_thread(self.installations.find, Platform.SLACK, bot.team_id or "")
            installer = old.installer if old is not None else ""
        await asyncio.to_thread(self.installations.save, from_bot(bot, installer))

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        found = await asyncio.to_thread(self.installations.find, Platform.SLACK, team_id or "")
        return to_bot(found) if found is not None and not found.revoked else None

    async def async_find_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                      user_id: str | None = None,
                                      is_enterprise_install: bool | None = False) -> SlackInstallation | None:
        bot = await self.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None:
            return None
        return SlackInstallation(app_id=bot.app_id, enterprise_id=bot.enterprise_id, team_id=bot.team_id,
                                 team_name=bot.team_name, bot_token=bot.bot_token, bot_id=bot.bot_id,
                                 bot_user_id=bot.bot_user_id, bot_scopes=bot.bot_scopes,
                                 bot_refresh_token=bot.bot_refresh_token,
                                 bot_token_expires_at=bot.bot_token_expires_at, user_id="",
                                 installed_at=bot.installed_at)


class StateStore(AsyncOAuthStateStore):
    """The OAuth `state`: issued with the install page, used up once by the redirect, on any replica."""

    def __init__(self, installations: Installations, seconds: int = STATE_SECONDS,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.installations = installations
        self.seconds = seconds
        self.clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        expires = self.clock() + timedelta(seconds=self.seconds)
        await asyncio.to_thread(self.installations.issue_state, state, expires)
        return state

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self.installations.consume_state, state, self.clock())


class Tokens:
    """Each team's bot token, for calls made outside a request (the delivery worker's sends and updates)."""

    def __init__(self, installations: Installations, client: AsyncWebClient, client_id: str, client_secret: str,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.installations = installations
        self.store = InstallStore(installations)
        self.rotator = AsyncTokenRotator(client_id=client_id, client_secret=client_secret, client=client)
        self.clock = clock

    async def bot(self, team: str) -> str:
        found = await asyncio.to_thread(self.installations.find, Platform.SLACK, team)
        if found is None or found.revoked:
            raise NotInstalled(team, found.revoked if found is not None and found.revoked else "not_installed")
        if found.refresh_token and found.expires_at is not None:
            rotated = await self.rotator.perform_bot_token_rotation(bot=to_bot(found),
                                                                    minutes_before_expiration=ROTATE_MINUTES)
            if rotated is not None:
                await self.store.async_save_bot(rotated)
                log.info("Slack bot token of team %s rotated", team)
                return str(rotated.bot_token)
        return found.bot_token

    def serving(self, work: Callable[[InboxItem], Awaitable[None]]) -> Callable[[InboxItem], Awaitable[None]]:
        """Inbox work runs with its own team's token: set for each item, in the inbox worker's task, never left over
        from the request that happened to start that worker."""

        async def run(item: InboxItem) -> None:
            try:
                token: str | None = await self.bot(team_of(item.payload.get("body") or {}))
            except NotInstalled:
                token = None
            TEAM_TOKEN.set(token)
            await work(item)

        return run

    async def revoke(self, team: str, reason: str) -> bool:
        """The team uninstalled MEMS or revoked its token: its sends stop; its data stays."""
        return await asyncio.to_thread(self.installations.revoke, Platform.SLACK, team, reason, self.clock())
