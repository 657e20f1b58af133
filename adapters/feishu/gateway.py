"""How MEMS speaks on Feishu. The chat gateway: outbox messages become cards sent to a chat or a person, and copies
are patched in place; its rate limits are Feishu's (5 a second per chat, 50 a second per app). And Answer, where the
answer to one request goes: cards in the thread of the message it answers (a short rate-limit wait is sat out; a
group the bot is not in is told to the asker in their chat with the bot), a slow click's card patched once its work is
done, and the answer to a click within its callback (toast, clicked: a toast, and the card that replaces the clicked
one)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from adapters.feishu import client as api
from adapters.feishu.charts import ChartUploads
from adapters.feishu.client import FeishuClient, idempotency_key
from adapters.feishu.errors import BOT_NOT_IN_CHAT, THREADS_OFF, FeishuError
from adapters.feishu.render import callback_response, render
from adapters.feishu.store import TENANT
from bot.cards import Card, Reply, Tone, text_card
from bot.i18n import tr
from bot.ports import ChartImages, Limit, Sent
from domain.notifications import Target, TargetKind
from domain.people import Platform, Workspace

log = logging.getLogger(__name__)
PER_CHAT = (5.0, 5)  # message sends: 5 a second per user and per group (shared by every bot in it)
PER_APP = (50.0, 50)  # and 50 a second per app
REPLY_TRIES = 3


def rate_limits(workspace: Workspace, target: Target, per_tenant: bool = False) -> tuple[Limit, ...]:
    """The rate buckets a send to `target` waits for: its chat's, and the app's (a store app's limits are each
    tenant's own)."""
    scope = f"{workspace.platform.value}:{workspace.external_id}:{target}"
    app = f"feishu:app:{workspace.external_id}" if per_tenant else "feishu:app"
    return Limit(scope, *PER_CHAT), Limit(app, *PER_APP)


class FeishuGateway:
    platform = Platform.FEISHU

    def __init__(self, client: FeishuClient, charts: ChartImages | None = None) -> None:
        self.client = client
        self.charts = ChartUploads(client, charts)

    def limits(self, workspace: Workspace, target: Target) -> tuple[Limit, ...]:
        return rate_limits(workspace, target, per_tenant=self.client.store is not None)

    async def render(self, card: Card, lang: str) -> dict[str, Any]:
        """The card as Feishu JSON, its chart uploaded as an image first (as text if that fails)."""
        return render(card, lang, await self.charts.key(card))

    async def send(self, workspace: Workspace, target: Target, card: Card, idempotency_key: str) -> Sent:
        """A person gets the card in their chat with the bot (open_id), a channel in its group (chat_id)."""
        TENANT.set(workspace.external_id)  # a store app calls with this tenant's token
        id_type = "open_id" if target.kind is TargetKind.USER else "chat_id"
        data = await self.client.send(id_type, target.ref, await self.render(card, workspace.lang),
                                      api.idempotency_key(idempotency_key))
        return Sent(channel=str(data.get("chat_id") or target.ref), message_ref=str(data.get("message_id", "")))

    async def update(self, workspace: Workspace, channel: str, message_ref: str, card: Card) -> None:
        """Patch one copy. A copy Feishu will never update (recalled, its chat gone) is skipped, not retried: the
        worker updates every copy of a card in one go, and one lost copy must not hold back the others."""
        TENANT.set(workspace.external_id)
        try:
            await self.client.patch(message_ref, await self.render(card, workspace.lang))
        except FeishuError as exc:
            if not exc.permanent:
                raise
            log.warning("Feishu card %s in %s cannot be updated: %s", message_ref, channel, exc.reason)


# -- the answer to one request --------------------------------------------------------------------------------
def toast(kind: str, key: str, lang: str) -> dict[str, Any]:
    """A click's answer that only says something (info, error), leaving the card as it was."""
    return callback_response(kind, tr(lang, key))


def clicked(reply: Reply, card: dict[str, Any] | None, lang: str) -> dict[str, Any]:
    """A click's answer: an error is a toast and leaves the card as it was; success replaces the clicked card with
    the reply (`card`, rendered)."""
    if reply.is_error or card is None:
        return callback_response("error", reply.text)
    return callback_response("success", reply.card.title or tr(lang, "feishu.toast.done"), card)


@dataclass
class Answer:
    gateway: FeishuGateway
    user: str
    message_id: str  # the command's message, or the clicked card
    lang: str
    in_thread: bool = True  # a reply in a group's thread; a direct chat has no threads
    direct: bool = False  # asked in the person's direct chat with the bot (only they read it)

    async def reply(self, reply: Reply) -> None:
        """Each card of the reply in turn; after one that could not be sent, the rest would not make sense. A secret
        (a new token, a sign-in link) asked in a group goes to the asker's direct chat with the bot instead."""
        cards = (reply.card, *reply.extra)
        if reply.secret and not self.direct:
            await self._privately(cards)
            return
        for index, card in enumerate(cards):
            if not await self.card(card, index):
                break

    async def _privately(self, cards: tuple[Card, ...]) -> None:
        """Each card in a direct message to the asker; the group hears only that it went there (or that it could
        not, in which case it is shown nowhere)."""
        for index, card in enumerate(cards):
            body = await self.gateway.render(card, self.lang)
            try:
                await self.gateway.client.send("open_id", self.user, body,
                                              idempotency_key(f"private:{self.message_id}:{index}"))
            except FeishuError as exc:
                log.warning("could not send a private answer to %s: %s", self.user, exc.reason)
                await self.card(text_card(tr(self.lang, "feishu.private.failed"), Tone.WARNING))
                return
        await self.card(text_card(tr(self.lang, "feishu.private.sent"), Tone.INFO))

    async def card(self, card: Card, index: int = 0) -> bool:
        """One card in the thread of `message_id` (a plain reply in a group that does not allow threads); a short
        rate-limit wait is sat out. False when it failed."""
        body = await self.gateway.render(card, self.lang)
        key = idempotency_key(f"reply:{self.message_id}:{index}")
        attempt = 0
        while attempt < REPLY_TRIES:
            attempt += 1
            try:
                await self.gateway.client.reply(self.message_id, body, key, self.in_thread)
                return True
            except FeishuError as exc:
                if exc.code == THREADS_OFF and self.in_thread:
                    self.in_thread = False  # this and the reply's next cards: at once, not counted as a try
                    attempt -= 1
                    continue
                if exc.code == BOT_NOT_IN_CHAT:
                    await self._tell(exc.hint)
                    return False
                if exc.permanent or attempt == REPLY_TRIES:
                    log.warning("Feishu reply to %s failed: %s", self.message_id, exc.reason)
                    return False
                await asyncio.sleep(min(exc.retry_after or float(attempt), 10.0))
        return False

    async def replace(self, card: dict[str, Any]) -> None:
        """A slow click: the clicked card is patched once the work is done."""
        try:
            await self.gateway.client.patch(self.message_id, card)
        except FeishuError as exc:
            log.warning("could not update the clicked Feishu card: %s", exc.reason)

    async def _tell(self, hint: str) -> None:
        """The reply could not reach the group: say why in the person's chat with the bot."""
        card = await self.gateway.render(text_card(hint, Tone.WARNING), self.lang)
        try:
            await self.gateway.client.send("open_id", self.user, card, idempotency_key(f"hint:{self.user}:{hint}"))
        except FeishuError as exc:
            log.warning("could not tell %s why a reply failed: %s", self.user, exc.reason)
