"""Where the answer to one Slack request goes: the channel for a public card, the asker alone otherwise
(the response_url, or chat.postEphemeral), with a fix-it sentence when Slack refused."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import errors, render
from adapters.slack.client import Sessions, webhook
from bot.cards import Card, Reply

log = logging.getLogger(__name__)


@dataclasses.dataclass
class Answer:
    client: AsyncWebClient
    channel: str | None
    user: str
    response_url: str | None
    lang: str
    thread: str | None = None  # answer in this thread (app mentions)
    sessions: Sessions | None = None

    async def reply(self, reply: Reply, replace: bool = False) -> None:
        """A public card goes to the channel; errors and private views to the asker. `replace` swaps the
        clicked message for the answer (a decided card shows its outcome at once)."""
        cards = (reply.card, *reply.extra)
        if replace and self.response_url:
            await self._hook({**render.message(cards[0]), "replace_original": True})
            cards = cards[1:]
        for card in cards:
            if reply.public and not reply.is_error and self.channel:
                await self.public(card)
            else:
                await self.private(card)

    async def public(self, card: Card) -> None:
        assert self.channel is not None
        try:
            await self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread, unfurl_links=False,
                                               **render.message(card))
        except SlackApiError as exc:
            note = errors.hint(exc, self.lang, self.channel)
            log.warning("Slack refused a public answer in %s (%s)", self.channel, errors.code(exc))
            # The command did take effect: the asker sees its answer, and how to let the channel see it too.
            await self.private(dataclasses.replace(card, footer=note or card.footer))

    async def private(self, card: Card) -> None:
        message = render.message(card)
        if self.response_url:
            await self._hook({**message, "response_type": "ephemeral", "replace_original": False})
            return
        if self.channel:
            try:
                await self.client.chat_postEphemeral(channel=self.channel, user=self.user, thread_ts=self.thread,
                                                     **message)
            except SlackApiError as exc:
                log.warning("Slack refused an ephemeral answer in %s (%s)", self.channel, errors.code(exc))

    async def _hook(self, payload: dict[str, Any]) -> None:
        assert self.response_url is not None
        session = self.sessions.get() if self.sessions else None
        response = await webhook(self.response_url, session).send_dict(payload)
        if response.status_code != 200:
            log.warning("Slack response_url answered %s", response.status_code)
