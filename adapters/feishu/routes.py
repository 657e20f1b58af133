"""POST /feishu/events: events and card callbacks (one URL for both). Every request is verified first (verify.py,
around lark-oapi's EventDispatcherHandler), which then dispatches it to a listener (class Listeners, below):
translate → the bus (through the offload) → answer (gateway.Answer). lark is synchronous, so it runs in one of the
web server's worker threads while the event loop keeps serving (not in the offload's pool: a click waits there for its
own work, which needs that pool). Feishu wants an answer within 3 s: a message is only handed to the event loop; a
click runs with a tight budget so that its answer can carry the updated card, and when it is slow it answers with a
toast and patches the card later."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request, Response
from lark_oapi.api.im.v1 import P2ImMessageReceiveV1
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTrigger, P2CardActionTriggerResponse
from starlette.concurrency import run_in_threadpool

from adapters.feishu import translate
from adapters.feishu.gateway import Answer, clicked, toast
from adapters.feishu.longconn import LongConnection
from adapters.feishu.runtime import FeishuRuntime
from adapters.feishu.store import TENANT
from adapters.feishu.verify import Dispatcher, raw_request
from bot.cards import Reply, text_card
from bot.i18n import tr
from bot.parts import ChatParts
from domain.people import Platform

log = logging.getLogger(__name__)
EVENT_TTL = 48 * 3600  # Feishu re-pushes an unanswered event for hours
CLICK_TTL = 600  # a double click lands within seconds; later clicks meet the domain's own idempotency
CLICK_BUDGET = 2.0  # seconds a click may run before the answer goes out without the updated card
Result = tuple[Reply, dict[str, Any] | None]  # the reply, and the card that replaces the clicked one


def router(parts: ChatParts, feishu: FeishuRuntime) -> APIRouter:
    """The endpoint for the app in the settings (the composition root mounts it only when they are complete)."""
    listeners = Listeners(parts, feishu)
    dispatcher = Dispatcher.build(feishu.encrypt_key, feishu.verification_token, listeners.on_message,
                                  listeners.on_card, on_ticket=listeners.on_ticket if feishu.store else None)
    api = APIRouter(lifespan=_lifespan(parts, feishu, dispatcher))
    if feishu.long_connection:
        return api  # everything comes over the long connection: no public endpoint to attack

    @api.post("/feishu/events", include_in_schema=False)
    async def events(request: Request) -> Response:
        parts.offload.bind(asyncio.get_running_loop())
        raw = raw_request(request.url.path, await request.body(), request.headers)
        status, body = await run_in_threadpool(dispatcher.answer, raw)
        return Response(content=body, status_code=status, media_type="application/json")

    return api


LONG_CONNECTION_LEASE = "feishu-long-connection"


def _lifespan(parts: ChatParts, feishu: FeishuRuntime, dispatcher: Dispatcher) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        """At start-up the bot learns its own open_id (retried later on demand if Feishu is not reachable now);
        in ws mode the long connection opens (in the process that holds its lease)."""
        parts.offload.bind(asyncio.get_running_loop())
        warm_up = asyncio.create_task(feishu.identity.open_id())
        connection = None
        if feishu.long_connection:
            connection = LongConnection(feishu.client.app_id, feishu.app_secret, feishu.client.base_url,
                                        dispatcher.plain, parts.lease(LONG_CONNECTION_LEASE))
            connection.start()
        try:
            yield
        finally:
            if connection is not None:
                await asyncio.to_thread(connection.stop)
            warm_up.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await warm_up
            if not await parts.offload.idle(timeout=10.0):
                log.warning("Feishu: %d answer(s) still running at shutdown", parts.offload.running)
            await feishu.client.aclose()

    return lifespan


# -- the listeners ------------------------------------------------------------------------------------------
class Listeners:
    def __init__(self, parts: ChatParts, feishu: FeishuRuntime) -> None:
        self.parts = parts
        self.offload = parts.offload
        self.feishu = feishu
        self.lang = parts.settings.lang_for(Platform.FEISHU)

    # -- im.message.receive_v1 ----------------------------------------------------------------------------------
    def on_message(self, data: P2ImMessageReceiveV1) -> None:
        self.offload.submit(self.message(data))

    async def message(self, data: P2ImMessageReceiveV1) -> None:
        """Translate → bus → reply in the thread of the command."""
        TENANT.set(data.header.tenant_key if data.header else None)  # a store app answers with this tenant's token
        event_id = data.header.event_id if data.header else None
        if not await self._first("feishu:event:", event_id):
            return
        inbound = translate.message(data, await self.feishu.identity.open_id())
        if inbound is None or not await self._first("feishu:message:", inbound.message_id):
            return
        answer = Answer(self.feishu.gateway, inbound.ctx.user, inbound.message_id, self.lang, not inbound.ctx.direct,
                        direct=inbound.ctx.direct)
        if inbound.text is None:
            await answer.card(text_card(tr(self.lang, "feishu.text_only")))
            return
        await answer.reply(await self.offload.run(self.parts.bus.execute, inbound.ctx, inbound.text))

    # -- app_ticket (a store app) --------------------------------------------------------------------------------
    def on_ticket(self, data: Any) -> None:
        ticket = (getattr(data, "event", None) or {}).get("app_ticket")
        if self.feishu.store is not None and ticket:
            self.feishu.store.keep_ticket(str(ticket))

    # -- card.action.trigger ------------------------------------------------------------------------------------
    def on_card(self, data: P2CardActionTrigger) -> P2CardActionTriggerResponse:
        try:
            return P2CardActionTriggerResponse(self._click(data))
        except Exception:  # lark would turn it into a 500; the person gets a toast instead
            log.exception("Feishu card click failed")
            return P2CardActionTriggerResponse(toast("error", "feishu.toast.failed", self.lang))

    def _click(self, data: P2CardActionTrigger) -> dict[str, Any]:
        click = translate.click(data)
        if isinstance(click, translate.Refused):
            return toast("error", click.reason, self.lang)
        event_id = data.header.event_id if data.header else None
        deduper = self.parts.deduper  # this is lark's worker thread: blocking here holds up no event loop
        if not ((not event_id or deduper.first(f"feishu:event:{event_id}", EVENT_TTL))
                and deduper.first(click.key, CLICK_TTL)):
            return toast("info", "feishu.toast.duplicate", self.lang)
        future = self.offload.submit(self._run(click))
        try:
            reply, card = future.result(timeout=CLICK_BUDGET)
        except concurrent.futures.TimeoutError:
            self.offload.submit(self._late(click, future))
            return toast("info", "feishu.toast.slow", self.lang)
        return clicked(reply, card, self.lang)

    async def _run(self, click: translate.Click) -> Result:
        """The reply, and the card that replaces the clicked one (rendered here: a chart is uploaded first)."""
        TENANT.set(click.ctx.workspace)
        reply = await self.offload.run(self.parts.bus.handle, click.ctx, click.command)
        if reply.is_error:  # it changed nothing (not allowed, wrong state...): the button may be tried again
            await self.offload.run(self.parts.deduper.forget, click.key)
            return reply, None
        return reply, await self.feishu.gateway.render(reply.card, self.lang)

    async def _late(self, click: translate.Click, result: concurrent.futures.Future[Result]) -> None:
        """A slow click: the card is patched when the work is done; an error goes into the card's thread."""
        TENANT.set(click.ctx.workspace)
        reply, card = await asyncio.wrap_future(result)
        answer = Answer(self.feishu.gateway, click.ctx.user, click.message_id, self.lang)
        if reply.is_error or card is None:
            await answer.card(reply.card)
            return
        await answer.replace(card)

    # -- helpers ------------------------------------------------------------------------------------------------
    async def _first(self, prefix: str, ref: str | None) -> bool:
        """True the first time Feishu delivers `ref` (a payload without an id cannot be told apart: let it in)."""
        return not ref or await self.offload.run(self.parts.deduper.first, prefix + ref, EVENT_TTL)
