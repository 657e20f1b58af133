"""Feishu listeners: translate → the bus (through the offload) → answer. lark calls them in a worker thread and
Feishu wants an answer within 3 s: a message is only handed to the event loop; a click runs with a tight budget so
that its answer can carry the updated card, and when it is slow it answers with a toast and patches the card later."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from typing import Any

from lark_oapi.api.im.v1 import P2ImMessageReceiveV1
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTrigger, P2CardActionTriggerResponse

from adapters.feishu import translate
from adapters.feishu.answer import Answer, clicked, toast
from adapters.feishu.runtime import FeishuRuntime
from adapters.feishu.store import TENANT
from bot.cards import Reply, text_card
from bot.i18n import tr
from bot.parts import ChatParts
from domain.people import Platform

log = logging.getLogger(__name__)
EVENT_TTL = 48 * 3600  # Feishu re-pushes an unanswered event for hours
CLICK_TTL = 600  # a double click lands within seconds; later clicks meet the domain's own idempotency
CLICK_BUDGET = 2.0  # seconds a click may run before the answer goes out without the updated card
Result = tuple[Reply, dict[str, Any] | None]  # the reply, and the card that replaces the clicked one


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
        answer = Answer(self.feishu, inbound.ctx.user, inbound.message_id, self.lang, not inbound.ctx.direct,
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
        answer = Answer(self.feishu, click.ctx.user, click.message_id, self.lang)
        if reply.is_error or card is None:
            await answer.card(reply.card)
            return
        await answer.replace(card)

    # -- helpers ------------------------------------------------------------------------------------------------
    async def _first(self, prefix: str, ref: str | None) -> bool:
        """True the first time Feishu delivers `ref` (a payload without an id cannot be told apart: let it in)."""
        return not ref or await self.offload.run(self.parts.deduper.first, prefix + ref, EVENT_TTL)
