"""POST /feishu/events: events and card callbacks (one URL for both). Every request is verified first (verify.py,
around lark-oapi's EventDispatcherHandler), which then dispatches it to a listener. lark is synchronous, so it runs
in one of the web server's worker threads while the event loop keeps serving (not in the offload's pool: a click
waits there for its own work, which needs that pool)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from adapters.feishu.listeners import Listeners
from adapters.feishu.runtime import FeishuRuntime
from adapters.feishu.verify import Dispatcher, raw_request
from bot.parts import ChatParts

log = logging.getLogger(__name__)


def router(parts: ChatParts, feishu: FeishuRuntime) -> APIRouter:
    """The endpoint for the app in the settings (the composition root mounts it only when they are complete)."""
    listeners = Listeners(parts, feishu)
    dispatcher = Dispatcher.build(feishu.encrypt_key, feishu.verification_token, listeners.on_message,
                                  listeners.on_card, on_ticket=listeners.on_ticket if feishu.store else None)
    api = APIRouter(lifespan=_lifespan(parts, feishu))

    @api.post("/feishu/events", include_in_schema=False)
    async def events(request: Request) -> Response:
        parts.offload.bind(asyncio.get_running_loop())
        raw = raw_request(request.url.path, await request.body(), request.headers)
        status, body = await run_in_threadpool(dispatcher.answer, raw)
        return Response(content=body, status_code=status, media_type="application/json")

    return api


def _lifespan(parts: ChatParts, feishu: FeishuRuntime) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        """At start-up the bot learns its own open_id (retried later on demand if Feishu is not reachable now)."""
        parts.offload.bind(asyncio.get_running_loop())
        warm_up = asyncio.create_task(feishu.identity.open_id())
        try:
            yield
        finally:
            warm_up.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await warm_up
            if not await parts.offload.idle(timeout=10.0):
                log.warning("Feishu: %d answer(s) still running at shutdown", parts.offload.running)
            await feishu.client.aclose()

    return lifespan
