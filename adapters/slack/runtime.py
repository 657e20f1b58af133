"""What the Slack adapter keeps for the life of the process: the Web API client, the gateway, the user cache,
and a count of listener work still running (so shutdown and tests can wait for it)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import Sessions, answers_client, web_client
from adapters.slack.gateway import SlackGateway
from adapters.slack.identity import Users
from bot.bus import Bus
from bot.env import Deps
from bot.ports import ChartLinks, Deduper
from bot.settings import Settings
from domain.ports import Clock

T = TypeVar("T")
WORK_THREADS = 2


@dataclass(frozen=True)
class Core:
    """The parts of the application the Slack listeners use, handed over by the composition root."""

    settings: Settings
    clock: Clock
    deps: Deps
    bus: Bus
    deduper: Deduper


class Work:
    """Listener work that outlives its acknowledgement, and the threads that run the bus for it.

    Few threads on purpose: each one competes with the event loop for the GIL, and the loop must stay free
    to acknowledge the next request within Slack's 3 seconds (see bench/slack_ack.py).
    """

    def __init__(self, threads: int = WORK_THREADS) -> None:
        self.running = 0
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="slack-work")

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, functools.partial(fn, *args))

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
    client: AsyncWebClient  # listeners: commands, modals, answers (a quick retry on 429/5xx)
    gateway: SlackGateway  # the delivery worker's, whose 429s become DeliveryError.retry_after
    users: Users
    work: Work = field(default_factory=Work)
    sessions: Sessions = field(default_factory=Sessions)
    links: ChartLinks | None = None  # with MEMS_PUBLIC_URL: chart images Slack fetches from us

    def close(self) -> None:
        self.work.pool.shutdown(wait=False)

    @property
    def signing_secret(self) -> str | None:
        secret = self.settings.slack_signing_secret
        return secret.get_secret_value() if secret else None

    @property
    def app_token(self) -> str | None:
        token = self.settings.slack_app_token
        return token.get_secret_value() if token else None


def build(settings: Settings, links: ChartLinks | None = None) -> SlackRuntime:
    client = answers_client(settings)
    return SlackRuntime(settings, client, SlackGateway(web_client(settings), links), Users(client), links=links)
