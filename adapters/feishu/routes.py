"""POST /feishu/events: events and card callbacks (one URL for both) through lark-oapi's EventDispatcherHandler,
which is synchronous, so it runs in a worker thread while the event loop keeps serving."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from adapters.feishu.gateway import FeishuGateway
from adapters.feishu.listeners import Listeners
from adapters.feishu.verify import Dispatcher, raw_request
from bot.bus import Bus
from bot.ports import Deduper
from bot.settings import Settings
from domain.people import Platform


def router(gateway: FeishuGateway, bus: Bus, deduper: Deduper, settings: Settings) -> APIRouter:
    """The endpoint for the app in `settings` (whose Feishu settings are complete), answering through `gateway`."""
    assert settings.feishu_verification_token is not None
    listeners = Listeners(bus, deduper, gateway, settings.lang_for(Platform.FEISHU))
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
