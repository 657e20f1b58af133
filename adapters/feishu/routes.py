"""POST /feishu/events: events and card callbacks (one URL for both), or, in ws mode, the long connection
(longconn.py). Every request is verified first (verify.py, around lark-oapi's EventDispatcherHandler), which then
dispatches it to a listener (class Listeners, below): kept in the inbox, then from its queue translate → the bus
(through the offload) → answer (gateway.Answer). lark is synchronous, so it runs in one of the web server's worker
threads while the event loop keeps serving (not in the offload's pool: a click waits there for its own work, which
needs that pool). Feishu wants an answer within 3 s: a message is kept, then answered 200 (its command runs from the
queue); a click is kept and waits a moment for its work only when that starts at once, so that its answer can carry
the updated card; when it is slower, or queued, it answers with a toast and its card is patched when the work is
done. A full queue is told "busy" at once, in the person's language."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from lark_oapi.api.im.v1 import P2ImMessageReceiveV1
from lark_oapi.core.json import JSON
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTrigger, P2CardActionTriggerResponse
from starlette.concurrency import run_in_threadpool

from adapters.feishu import translate
from adapters.feishu.gateway import Answer, clicked, toast
from adapters.feishu.longconn import LongConnection
from adapters.feishu.render import callback_response
from adapters.feishu.runtime import FeishuRuntime
from adapters.feishu.store import TENANT
from adapters.feishu.verify import Dispatcher, raw_request
from bot.cards import Reply, Tone, text_card
from bot.context import Context
from bot.i18n import tr
from bot.inbox import Admission
from bot.parts import ChatParts
from bot.ports import InboxItem
from domain.people import Platform

log = logging.getLogger(__name__)
FEISHU = Platform.FEISHU.value
EVENT_TTL = 48 * 3600  # Feishu re-pushes an unanswered event for hours
CLICK_TTL = 600  # a double click lands within seconds; later clicks meet the domain's own idempotency
CLICK_BUDGET = 2.0  # seconds a click may wait for its work before the answer goes out without the updated card
ADMIT_BUDGET = 2.5  # seconds an answer waits for its request to be kept (a database that hangs: it goes on after)
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


def _timed(dispatch: Callable[[bytes], Any], parts: ChatParts) -> Callable[[bytes], Any]:
    """mems_ack_seconds over the long connection: from a frame's dispatch to the answer to send back."""

    def timed(payload: bytes) -> Any:
        started = time.perf_counter()
        try:
            return dispatch(payload)
        finally:
            parts.recorder.ack(FEISHU, time.perf_counter() - started, "socket")

    return timed


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
                                        _timed(dispatcher.plain, parts), parts.lease(LONG_CONNECTION_LEASE))
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
    """Acknowledge first, as on Slack: a message or a click is kept in the inbox (bot/inbox.py) before Feishu hears
    200, and worked from its bounded queue; a full queue is told "busy" at once, in the person's language. lark
    calls on_message and on_card in a worker thread (HTTP: the server's pool; ws: the connection's)."""

    def __init__(self, parts: ChatParts, feishu: FeishuRuntime) -> None:
        self.parts = parts
        self.offload = parts.offload
        self.inbox = parts.inbox
        self.feishu = feishu
        self.lang = parts.settings.lang_for(Platform.FEISHU)
        self._waiting: dict[str, concurrent.futures.Future[Result]] = {}  # a click's answer, by its inbox key
        self.inbox.register(FEISHU, "message", self._message)
        self.inbox.register(FEISHU, "click", self._clicked)

    # -- im.message.receive_v1: keep it, then 200 --------------------------------------------------------------
    def on_message(self, data: P2ImMessageReceiveV1) -> None:
        event_id = data.header.event_id if data.header else None
        message = data.event.message if data.event else None
        message_id = message.message_id if message else None
        if not (self._first("feishu:event:", event_id) and self._first("feishu:message:", message_id)):
            return
        key = f"feishu:event:{event_id or message_id or uuid.uuid4().hex}"
        admitted = self.offload.submit(self.inbox.admit(FEISHU, "message", key, _kept(data)))
        admitted.add_done_callback(lambda done: self._busy_if(done, lambda: self._busy_message(data)))
        with contextlib.suppress(concurrent.futures.TimeoutError):  # kept before the 200 (a hung database: later)
            admitted.result(timeout=ADMIT_BUDGET)

    async def _message(self, item: InboxItem) -> None:
        """From the inbox: translate → bus → reply in the thread of the command."""
        data = P2ImMessageReceiveV1(item.payload["event"])
        TENANT.set(data.header.tenant_key if data.header else None)  # a store app answers with this tenant's token
        inbound = translate.message(data, await self.feishu.identity.open_id())
        if inbound is None:
            return
        answer = self._answer(inbound, self.lang)
        if inbound.text is None:
            await answer.card(text_card(tr(self.lang, "feishu.text_only")))
            return
        ctx = dataclasses.replace(inbound.ctx, request=item.id)  # its transaction marks the request done
        await answer.reply(await self.offload.run(self.parts.bus.execute, ctx, inbound.text))

    async def _busy_message(self, data: P2ImMessageReceiveV1) -> None:
        TENANT.set(data.header.tenant_key if data.header else None)
        inbound = translate.message(data, await self.feishu.identity.open_id())
        if inbound is not None:
            lang = await asyncio.to_thread(self.parts.bus.lang_of, inbound.ctx)  # not behind the busy commands
            await self._answer(inbound, lang).card(text_card(tr(lang, "err.busy"), Tone.WARNING))

    # -- app_ticket (a store app) --------------------------------------------------------------------------------
    def on_ticket(self, data: Any) -> None:
        ticket = (getattr(data, "event", None) or {}).get("app_ticket")
        if self.feishu.store is not None and ticket:
            self.feishu.store.keep_ticket(str(ticket))

    # -- card.action.trigger: keep it; answer with the new card if its work is done within the budget -----------
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
        if not (self._first("feishu:event:", event_id) and self._first("", click.key, CLICK_TTL)):
            return toast("info", "feishu.toast.duplicate", self.lang)
        key = f"feishu:event:{event_id}" if event_id else click.key
        waiter: concurrent.futures.Future[Result] = concurrent.futures.Future()
        self._waiting[key] = waiter
        admitted = self.offload.submit(self.inbox.admit(FEISHU, "click", key, _kept(data)))
        try:
            admission = admitted.result(timeout=ADMIT_BUDGET)
        except concurrent.futures.TimeoutError:  # the database is slow: if it ends busy, the thread is told
            admission = None
            admitted.add_done_callback(lambda done: self._busy_if(done, lambda: self._busy_click(click)))
        if admission is not Admission.ADMITTED:
            self._waiting.pop(key, None)
        if admission is Admission.BUSY:
            self.parts.deduper.forget(click.key)  # the same button may be pressed again in a moment
            return callback_response("warning", tr(self.parts.bus.lang_of(click.ctx), "err.busy"))
        if admission is Admission.REPEATED:
            return toast("info", "feishu.toast.duplicate", self.lang)
        if admission is None or not self.inbox.starts_now or not self._answered(waiter):
            self._waiting.pop(key, None)
            waiter.cancel()
            return toast("info", "feishu.toast.slow", self.lang)  # the card is patched when its work is done
        reply, card = waiter.result()
        return clicked(reply, card, self.lang)

    @staticmethod
    def _answered(waiter: concurrent.futures.Future[Result]) -> bool:
        """Wait for the click's work up to the budget; False (its work then patches the card) when it is slower."""
        try:
            waiter.result(timeout=CLICK_BUDGET)
        except concurrent.futures.TimeoutError:
            if waiter.cancel():
                return False
            waiter.result()  # not cancelled: its work is handing the answer over right now
        return True

    async def _clicked(self, item: InboxItem) -> None:
        """From the inbox: the click's command; the answer goes to the waiting callback, else the card is patched."""
        waiter = self._waiting.pop(item.key, None)
        data = P2CardActionTrigger(item.payload["event"])
        click = translate.click(data)
        if isinstance(click, translate.Refused):
            return
        try:
            reply, card = await self._run(dataclasses.replace(click.ctx, request=item.id), click)
        except Exception as exc:
            if waiter is not None and waiter.set_running_or_notify_cancel():
                waiter.set_exception(exc)
            raise
        if waiter is not None and waiter.set_running_or_notify_cancel():
            waiter.set_result((reply, card))
            return
        # Nobody waits (slow, queued, or left by a stopped process): the card changes in place; an error goes to
        # the card's thread.
        answer = Answer(self.feishu.gateway, click.ctx.user, click.message_id, self.lang)
        if reply.is_error or card is None:
            await answer.card(reply.card)
        else:
            await answer.replace(card)

    async def _run(self, ctx: Context, click: translate.Click) -> Result:
        """The reply, and the card that replaces the clicked one (rendered here: a chart is uploaded first)."""
        TENANT.set(click.ctx.workspace)
        reply = await self.offload.run(self.parts.bus.handle, ctx, click.command)
        if reply.is_error:  # it changed nothing (not allowed, wrong state...): the button may be tried again
            await self.offload.run(self.parts.deduper.forget, click.key)
            return reply, None
        return reply, await self.feishu.gateway.render(reply.card, self.lang)

    async def _busy_click(self, click: translate.Click) -> None:
        TENANT.set(click.ctx.workspace)
        await asyncio.to_thread(self.parts.deduper.forget, click.key)
        lang = await asyncio.to_thread(self.parts.bus.lang_of, click.ctx)
        await Answer(self.feishu.gateway, click.ctx.user, click.message_id, lang).card(
            text_card(tr(lang, "err.busy"), Tone.WARNING))

    # -- helpers ------------------------------------------------------------------------------------------------
    def _first(self, prefix: str, ref: str | None, ttl: int = EVENT_TTL) -> bool:
        """True the first time Feishu delivers `ref` (a payload without an id cannot be told apart: let it in).
        This is lark's worker thread: blocking here holds up no event loop."""
        return not ref or self.parts.deduper.first(prefix + ref, ttl)

    def _answer(self, inbound: translate.Message, lang: str) -> Answer:
        return Answer(self.feishu.gateway, inbound.ctx.user, inbound.message_id, lang, not inbound.ctx.direct,
                      direct=inbound.ctx.direct)

    def _busy_if(self, admitted: concurrent.futures.Future[Admission],
                 tell: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """The queue was full: the person is told at once (nothing of the request runs)."""
        if not admitted.cancelled() and admitted.exception() is None and admitted.result() is Admission.BUSY:
            self.offload.submit(tell())


def _kept(data: Any) -> dict[str, Any]:
    """What the inbox keeps of an event: the event as Feishu sent it, without the verification token."""
    event: dict[str, Any] = json.loads(JSON.marshal(data))
    (event.get("header") or {}).pop("token", None)
    return {"event": event}
