"""Where the answer to one Slack request goes: the channel for a public card, the asker alone otherwise
(the response_url, or chat.postEphemeral), with a fix-it sentence when Slack refused."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse

from adapters.slack import charts, errors, render
from adapters.slack.client import Sessions, webhook
from bot.cards import Card, Reply
from bot.ports import ChartLinks

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
    links: ChartLinks | None = None  # with MEMS_PUBLIC_URL: charts as images

    async def reply(self, reply: Reply, replace: bool = False) -> None:
        """A public card goes to the channel; errors and private views to the asker. `replace` swaps the
        clicked message for the answer (a decided card shows its outcome at once)."""
        cards = (reply.card, *reply.extra)
        if replace and self.response_url:
            await self._hook(cards[0], {"replace_original": True})
            cards = cards[1:]
        for card in cards:
            if reply.public and not reply.is_error and self.channel:
                await self.public(card)
            else:
                await self.private(card)

    async def public(self, card: Card) -> None:
        channel = self.channel
        assert channel is not None
        try:
            await charts.post(lambda message: self.client.chat_postMessage(
                channel=channel, thread_ts=self.thread, unfurl_links=False, **message), card, self.links)
        except SlackApiError as exc:
            note = errors.hint(exc, self.lang, channel)
            log.warning("Slack refused a public answer in %s (%s)", self.channel, errors.code(exc))
            # The command did take effect: the asker sees its answer, and how to let the channel see it too.
            await self.private(dataclasses.replace(card, footer=note or card.footer))

    async def private(self, card: Card) -> None:
        if self.response_url:
            await self._hook(card, {"response_type": "ephemeral", "replace_original": False})
            return
        channel = self.channel
        if channel:
            try:
                await charts.post(lambda message: self.client.chat_postEphemeral(
                    channel=channel, user=self.user, thread_ts=self.thread, **message), card, self.links)
            except SlackApiError as exc:
                log.warning("Slack refused an ephemeral answer in %s (%s)", self.channel, errors.code(exc))

    async def _hook(self, card: Card, options: dict[str, Any]) -> None:
        """Answer on the response_url; one Slack refused with its chart image goes again with the chart as text."""
        assert self.response_url is not None
        url = charts.chart_url(self.links, card)
        response = await self._send({**render.message(card, url), **options})
        if response.status_code != 200 and url is not None:
            log.warning("Slack refused the answer with a chart image (%s %s); the chart goes as text",
                        response.status_code, str(response.body)[:200])
            response = await self._send({**render.message(card), **options})
        if response.status_code != 200:
            log.warning("Slack response_url answered %s", response.status_code)

    async def _send(self, payload: dict[str, Any]) -> WebhookResponse:
        assert self.response_url is not None
        session = self.sessions.get() if self.sessions else None
        return await webhook(self.response_url, session).send_dict(payload)
