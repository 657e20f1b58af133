"""Messages and card clicks → the bus → replies. lark calls these in a worker thread and Feishu wants an answer
within 3 s: a message is only handed to the event loop; a click runs with a tight budget so that its answer can
carry the updated card, and when it is slow it answers with a toast and patches the card afterwards."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from typing import Any

from lark_oapi.api.im.v1 import P2ImMessageReceiveV1
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTrigger, P2CardActionTriggerResponse

from adapters.feishu import translate
from adapters.feishu.client import idempotency_key
from adapters.feishu.errors import BOT_NOT_IN_CHAT, FeishuError
from adapters.feishu.gateway import FeishuGateway
from adapters.feishu.render import callback_response
from bot.bus import Bus
from bot.cards import Card, Reply, Tone, text_card
from bot.i18n import tr
from bot.ports import Deduper

log = logging.getLogger(__name__)
EVENT_TTL = 48 * 3600  # Feishu re-pushes an unanswered event for hours
CLICK_TTL = 600  # a double click lands within seconds; later clicks meet the domain's own idempotency
CLICK_BUDGET = 2.0  # seconds a click may run before the answer goes out without the updated card
REPLY_TRIES = 3


class Listeners:
    def __init__(self, bus: Bus, deduper: Deduper, gateway: FeishuGateway, lang: str) -> None:
        self.bus = bus
        self.deduper = deduper
        self.gateway = gateway
        self.client = gateway.client
        self.background = gateway.background
        self.lang = lang

    # -- im.message.receive_v1 ----------------------------------------------------------------------------------
    def on_message(self, data: P2ImMessageReceiveV1) -> None:
        self.background.submit(self.message(data))

    async def message(self, data: P2ImMessageReceiveV1) -> None:
        """Translate → bus → reply in the thread of the command."""
        event_id = data.header.event_id if data.header else None
        if not await self._first("feishu:event:", event_id):
            return
        inbound = translate.message(data, await self.gateway.identity.open_id())
        if inbound is None or not await self._first("feishu:message:", inbound.message_id):
            return
        if inbound.text is None:
            await self._reply(inbound.ctx.user, inbound.message_id, text_card(tr(self.lang, "feishu.text_only")),
                              0, not inbound.ctx.direct)
            return
        reply = await asyncio.to_thread(self.bus.execute, inbound.ctx, inbound.text)
        for index, card in enumerate((reply.card, *reply.extra)):
            if not await self._reply(inbound.ctx.user, inbound.message_id, card, index, not inbound.ctx.direct):
                break

    # -- card.action.trigger ------------------------------------------------------------------------------------
    def on_card(self, data: P2CardActionTrigger) -> P2CardActionTriggerResponse:
        try:
            return P2CardActionTriggerResponse(self._click(data))
        except Exception:  # lark would turn it into a 500; the person gets a toast instead
            log.exception("Feishu card click failed")
            return P2CardActionTriggerResponse(callback_response("error", tr(self.lang, "feishu.toast.failed")))

    def _click(self, data: P2CardActionTrigger) -> dict[str, Any]:
        click = translate.click(data)
        if isinstance(click, translate.Refused):
            return callback_response("error", tr(self.lang, click.reason))
        event_id = data.header.event_id if data.header else None
        if not ((not event_id or self.deduper.first(f"feishu:event:{event_id}", EVENT_TTL))
                and self.deduper.first(click.key, CLICK_TTL)):
            return callback_response("info", tr(self.lang, "feishu.toast.duplicate"))
        future = self.background.submit(self._run(click))
        try:
            reply, card = future.result(timeout=CLICK_BUDGET)
        except concurrent.futures.TimeoutError:
            self.background.submit(self._late(click, future))
            return callback_response("info", tr(self.lang, "feishu.toast.slow"))
        return self._answer(reply, card)

    async def _run(self, click: translate.Click) -> tuple[Reply, dict[str, Any] | None]:
        """The reply, and the card that replaces the clicked one (rendered here: a chart is uploaded first)."""
        reply = await asyncio.to_thread(self.bus.handle, click.ctx, click.command)
        if reply.is_error:  # it changed nothing (not allowed, wrong state...): the button may be tried again
            await asyncio.to_thread(self.deduper.forget, click.key)
            return reply, None
        return reply, await self.gateway.render(reply.card, self.lang)

    def _answer(self, reply: Reply, card: dict[str, Any] | None) -> dict[str, Any]:
        """An error is a toast and leaves the card as it was; success replaces the clicked card with the reply."""
        if reply.is_error or card is None:
            return callback_response("error", reply.text)
        toast = reply.card.title or tr(self.lang, "feishu.toast.done")
        return callback_response("success", toast, card)

    async def _late(self, click: translate.Click,
                    result: concurrent.futures.Future[tuple[Reply, dict[str, Any] | None]]) -> None:
        """A slow click: the card is patched when the work is done; an error goes into the card's thread."""
        reply, card = await asyncio.wrap_future(result)
        if reply.is_error or card is None:
            await self._reply(click.ctx.user, click.message_id, reply.card, 0, True)
            return
        try:
            await self.client.patch(click.message_id, card)
        except FeishuError as exc:
            log.warning("could not update the clicked Feishu card: %s", exc.reason)

    # -- helpers ------------------------------------------------------------------------------------------------
    async def _first(self, prefix: str, ref: str | None) -> bool:
        """True the first time Feishu delivers `ref` (a payload without an id cannot be told apart: let it in)."""
        return not ref or await asyncio.to_thread(self.deduper.first, prefix + ref, EVENT_TTL)

    async def _reply(self, user: str, message_id: str, card: Card, index: int, in_thread: bool) -> bool:
        """A reply in the thread of `message_id`; a short rate-limit wait is sat out. False when it failed."""
        body = await self.gateway.render(card, self.lang)
        for attempt in range(1, REPLY_TRIES + 1):
            try:
                await self.client.reply(message_id, body, idempotency_key(f"reply:{message_id}:{index}"), in_thread)
                return True
            except FeishuError as exc:
                if exc.code == BOT_NOT_IN_CHAT:
                    await self._tell(user, exc.hint)
                    return False
                if exc.permanent or attempt == REPLY_TRIES:
                    log.warning("Feishu reply to %s failed: %s", message_id, exc.reason)
                    return False
                await asyncio.sleep(min(exc.retry_after or float(attempt), 10.0))
        return False

    async def _tell(self, user: str, hint: str) -> None:
        """The reply could not reach the group: say why in the person's chat with the bot."""
        try:
            await self.client.send("open_id", user, await self.gateway.render(text_card(hint, Tone.WARNING), self.lang),
                                   idempotency_key(f"hint:{user}:{hint}"))
        except FeishuError as exc:
            log.warning("could not tell %s why a reply failed: %s", user, exc.reason)
