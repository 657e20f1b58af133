"""Where the answer to one Feishu request goes: cards in the thread of the message it answers (a short rate-limit
wait is sat out; a group the bot is not in is told to the asker in their chat with the bot), a slow click's card
patched once its work is done, and the answer to a click within its callback (a toast, and the card that replaces
the clicked one)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from adapters.feishu.client import idempotency_key
from adapters.feishu.errors import BOT_NOT_IN_CHAT, THREADS_OFF, FeishuError
from adapters.feishu.render import callback_response
from adapters.feishu.runtime import FeishuRuntime
from bot.cards import Card, Reply, Tone, text_card
from bot.i18n import tr

log = logging.getLogger(__name__)
REPLY_TRIES = 3


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
    feishu: FeishuRuntime
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
            body = await self.feishu.gateway.render(card, self.lang)
            try:
                await self.feishu.client.send("open_id", self.user, body,
                                              idempotency_key(f"private:{self.message_id}:{index}"))
            except FeishuError as exc:
                log.warning("could not send a private answer to %s: %s", self.user, exc.reason)
                await self.card(text_card(tr(self.lang, "feishu.private.failed"), Tone.WARNING))
                return
        await self.card(text_card(tr(self.lang, "feishu.private.sent"), Tone.INFO))

    async def card(self, card: Card, index: int = 0) -> bool:
        """One card in the thread of `message_id` (a plain reply in a group that does not allow threads); a short
        rate-limit wait is sat out. False when it failed."""
        body = await self.feishu.gateway.render(card, self.lang)
        key = idempotency_key(f"reply:{self.message_id}:{index}")
        attempt = 0
        while attempt < REPLY_TRIES:
            attempt += 1
            try:
                await self.feishu.client.reply(self.message_id, body, key, self.in_thread)
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
            await self.feishu.client.patch(self.message_id, card)
        except FeishuError as exc:
            log.warning("could not update the clicked Feishu card: %s", exc.reason)

    async def _tell(self, hint: str) -> None:
        """The reply could not reach the group: say why in the person's chat with the bot."""
        card = await self.feishu.gateway.render(text_card(hint, Tone.WARNING), self.lang)
        try:
            await self.feishu.client.send("open_id", self.user, card, idempotency_key(f"hint:{self.user}:{hint}"))
        except FeishuError as exc:
            log.warning("could not tell %s why a reply failed: %s", self.user, exc.reason)
