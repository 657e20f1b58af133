"""The Slack Web API client: the bot token from settings, every call to MEMS_SLACK_API_URL."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from typing import Any

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler, AsyncServerErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.settings import Settings

TIMEOUT = 10  # seconds; a slow Slack must not hold a delivery batch for long
# With OAuth the process has no one bot token: while a team's request is served, the token bolt found for that team
# (routes set it from bolt's context), so every call a listener makes speaks for that team.
TEAM_TOKEN: ContextVar[str | None] = ContextVar("slack_team_token", default=None)


class TeamClient(AsyncWebClient):
    """A client without a token of its own calls with the token of the team being served (TEAM_TOKEN)."""

    async def api_call(self, api_method: str, *, http_verb: str = "POST", files: dict[str, Any] | None = None,
                       data: Any = None, params: dict[str, Any] | None = None, json: dict[str, Any] | None = None,
                       headers: dict[str, Any] | None = None, auth: dict[str, Any] | None = None) -> Any:
        token = TEAM_TOKEN.get()
        if self.token is None and token and auth is None and "token" not in (json or params or {}):
            headers = {**(headers or {}), "Authorization": f"Bearer {token}"}
        return await super().api_call(api_method, http_verb=http_verb, files=files, data=data, params=params,
                                      json=json, headers=headers, auth=auth)


def web_client(settings: Settings) -> AsyncWebClient:
    """One client for the process; bolt copies its base URL and retry handlers into each request's client.

    429s are not retried here: the delivery worker waits them out from DeliveryError.retry_after.
    Only the connection errors are retried (slack-sdk's default).
    """
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    if settings.slack_oauth:  # each team's token comes from its installation
        return TeamClient(token=None, base_url=settings.slack_api_url, timeout=TIMEOUT)
    return AsyncWebClient(token=token, base_url=settings.slack_api_url, timeout=TIMEOUT)


def answers_client(settings: Settings) -> AsyncWebClient:
    """For answering a person right now: one quick retry on a 429 or a 5xx beats a lost answer."""
    client = web_client(settings)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    client.retry_handlers.append(AsyncServerErrorRetryHandler(max_retry_count=1))
    return client


class Sessions:
    """One keep-alive HTTP session per event loop for response_urls: a new session (and TCP connection) per
    answer cost more CPU than the command itself."""

    def __init__(self) -> None:
        self._open: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}

    def get(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        for old in [other for other in self._open if other.is_closed()]:
            del self._open[old]  # its loop is gone (tests run several); nothing left to close politely
        session = self._open.get(loop)
        if session is None or session.closed:
            session = self._open[loop] = aiohttp.ClientSession()
        return session

    async def close(self) -> None:
        session = self._open.pop(asyncio.get_running_loop(), None)
        if session is not None:
            await session.close()


def webhook(url: str, session: aiohttp.ClientSession | None = None) -> AsyncWebhookClient:
    """A response_url: answers a command or a click (ephemeral, in channel, or replacing the message)."""
    return AsyncWebhookClient(url, timeout=TIMEOUT, session=session)
