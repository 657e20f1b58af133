"""What the Slack adapter keeps for the life of the process: the Web API client, the gateway, the user cache,
and a count of listener work still running (so shutdown and tests can wait for it)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import web_client
from adapters.slack.gateway import SlackGateway
from adapters.slack.identity import Bot, Users
from bot.bus import Bus
from bot.env import Deps
from bot.ports import Deduper
from bot.settings import Settings
from domain.ports import Clock


class Core(Protocol):
    """What the Slack adapter uses of the application (bot.bootstrap.Container has it all)."""

    settings: Settings
    clock: Clock
    deps: Deps
    bus: Bus
    deduper: Deduper


class Work:
    """Listener work that outlives its acknowledgement."""

    def __init__(self) -> None:
        self.running = 0

    @contextlib.asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        self.running += 1
        try:
            yield
        finally:
            self.running -= 1

    async def idle(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while self.running and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return not self.running


@dataclass
class SlackRuntime:
    settings: Settings
    client: AsyncWebClient
    gateway: SlackGateway
    users: Users
    bot: Bot
    work: Work = field(default_factory=Work)

    @property
    def signing_secret(self) -> str | None:
        secret = self.settings.slack_signing_secret
        return secret.get_secret_value() if secret else None

    @property
    def app_token(self) -> str | None:
        token = self.settings.slack_app_token
        return token.get_secret_value() if token else None


def build(settings: Settings) -> SlackRuntime:
    client = web_client(settings)
    return SlackRuntime(settings, client, SlackGateway(client), Users(client), Bot(client))
