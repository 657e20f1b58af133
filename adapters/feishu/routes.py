"""POST /feishu/events: events and card callbacks (one URL for both) through lark-oapi's EventDispatcherHandler,
which is synchronous, so it runs in a worker thread while the event loop keeps serving."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from adapters.feishu.gateway import FeishuGateway
from adapters.feishu.listeners import Listeners
from adapters.feishu.verify import Dispatcher, raw_request
from bot.bus import Bus
from bot.ports import ChatGateway, Deduper
from bot.settings import Settings
from domain.people import Platform


class Container(Protocol):
    """What the endpoint takes from bot.bootstrap.Container (named structurally: adapters import no composition)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def bus(self) -> Bus: ...
    @property
    def deduper(self) -> Deduper: ...
    @property
    def gateways(self) -> Mapping[Platform, ChatGateway]: ...


def router(container: Container) -> APIRouter:
    settings = container.settings
    gateway = container.gateways[Platform.FEISHU]
    assert isinstance(gateway, FeishuGateway) and settings.feishu_verification_token is not None
    listeners = Listeners(container.bus, container.deduper, gateway, settings.lang_for(Platform.FEISHU))
    encrypt_key = settings.feishu_encrypt_key.get_secret_value() if settings.feishu_encrypt_key else ""
    dispatcher = Dispatcher.build(encrypt_key, settings.feishu_verification_token.get_secret_value(),
                                  listeners.on_message, listeners.on_card)

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        """At start-up the bot learns its own open_id (retried later on demand if Feishu is not reachable now)."""
        gateway.background.bind(asyncio.get_running_loop())
        warm_up = asyncio.create_task(gateway.identity.open_id())
        try:
            yield
        finally:
            warm_up.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await warm_up
            await gateway.client.aclose()

    api = APIRouter(lifespan=lifespan)

    @api.post("/feishu/events", include_in_schema=False)
    async def feishu_events(request: Request) -> Response:
        gateway.background.bind(asyncio.get_running_loop())
        raw = raw_request(request.url.path, await request.body(), request.headers)
        status, body = await run_in_threadpool(dispatcher.answer, raw)
        return Response(content=body, status_code=status, media_type="application/json")

    return api
