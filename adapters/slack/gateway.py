"""How MEMS speaks on Slack. The chat gateway: notifications and card copies go out with chat.postMessage, change
with chat.update; its rate limit is Slack's (about 1 message a second per channel, with short bursts). And Answer,
where the answer to one request goes: the channel for a public card, the asker alone otherwise (the response_url, or
chat.postEphemeral), with a fix-it sentence when Slack refused; a card too long for one message (a 150-task board)
goes as several in a row."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse

from adapters.slack import charts, errors, render
from adapters.slack.client import Sessions, webhook
from adapters.slack.installs import NotInstalled, Tokens
from bot.cards import Card, Reply
from bot.i18n import tr
from bot.ports import ChartLinks, DeliveryError, Limit, Sent
from domain.notifications import Target
from domain.people import Platform, Workspace

log = logging.getLogger(__name__)
# chat.postMessage: about 1 a second per channel, "short bursts" allowed (3 by default, MEMS_SLACK_CHANNEL_BURST).
# A quarter second of the burst is kept back, so a send that reaches Slack a little late does not push the next one
# over its bucket: a 429 is then the exception (honoured when it comes), not the way the limit is found.
PER_SECOND, BURST, HEADROOM = 1.0, 3, 0.25
HOOK_USES = 5  # Slack takes at most five answers on one response_url; more go by chat.postEphemeral


def rate_limits(workspace: Workspace, target: Target, burst: int = BURST) -> tuple[Limit, ...]:
    """The rate bucket a post to `target` waits for: its channel's (a person's direct messages are a channel)."""
    return (Limit(f"{workspace.platform.value}:{workspace.external_id}:{target}", PER_SECOND, burst, HEADROOM),)


class SlackGateway:
    platform = Platform.SLACK

    def __init__(self, client: AsyncWebClient, links: ChartLinks | None = None, tokens: Tokens | None = None,
                 burst: int = BURST) -> None:
        self.client = client
        self.burst = burst  # messages a channel may take back to back before Slack's one a second applies
        self.links = links  # with MEMS_PUBLIC_URL: a chart goes as an image Slack fetches from us
        self.tokens = tokens  # with OAuth: each team's own bot token; else the client's one token

    async def _token(self, workspace: Workspace) -> dict[str, Any]:
        """The call's token: the workspace's installation's (OAuth), or none here (the client's own)."""
        if self.tokens is None:
            return {}
        try:
            return {"token": await self.tokens.bot(workspace.external_id)}
        except NotInstalled as exc:  # uninstalled or revoked: no retry helps until the team installs MEMS again
            raise DeliveryError(f"slack_{exc.reason}", permanent=True,
                                hint=tr(workspace.lang, "slack.hint.not_installed", reason=exc.reason)) from exc
        except Exception as exc:  # the database, or a token rotation Slack refused: tried again later
            raise DeliveryError(f"slack token: {type(exc).__name__}") from exc

    def limits(self, workspace: Workspace, target: Target) -> tuple[Limit, ...]:
        return rate_limits(workspace, target, self.burst)

    async def send(self, workspace: Workspace, target: Target, card: Card, idempotency_key: str) -> Sent:
        """A user target is a user id: Slack posts it to the bot's direct conversation with them."""
        token = await self._token(workspace)
        try:
            # The outbox key rides along as message metadata: a duplicate is then visible in Slack itself.
            metadata = {"event_type": "mems_notification", "event_payload": {"key": idempotency_key}}
            response = await charts.post(lambda message: self.client.chat_postMessage(
                channel=target.ref, unfurl_links=False, metadata=metadata, **token, **message), card, self.links)
        except Exception as exc:
            raise errors.delivery_error(exc, workspace.lang, target.ref) from exc
        return Sent(channel=str(response["channel"]), message_ref=str(response["ts"]))

    async def update(self, workspace: Workspace, channel: str, message_ref: str, card: Card) -> None:
        token = await self._token(workspace)
        try:
            await charts.post(lambda message: self.client.chat_update(channel=channel, ts=message_ref, **token,
                                                                      **message),
                              card, self.links)
        except Exception as exc:
            raise errors.delivery_error(exc, workspace.lang, channel) from exc


# -- the answer to one request --------------------------------------------------------------------------------
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
    hook_uses: int = 0  # answers sent on the response_url so far
    direct: bool = False  # a message in the bot's direct chat: every answer is a message there (only they see it)

    async def reply(self, reply: Reply, replace: bool = False) -> None:
        """A public card goes to the channel; errors and private views to the asker. `replace` swaps the
        clicked message for the answer (a decided card shows its outcome at once)."""
        cards = (reply.card, *reply.extra)
        if replace and self.response_url:
            await self._hook(cards[0], {"replace_original": True})
            cards = cards[1:]
        for card in cards:
            if (self.direct or (reply.public and not reply.is_error and not reply.secret)) and self.channel:
                await self.public(card)
            else:
                await self.private(card)

    async def public(self, card: Card) -> None:
        channel = self.channel
        assert channel is not None
        try:
            await charts.post_all(lambda message: self.client.chat_postMessage(
                channel=channel, thread_ts=self.thread, unfurl_links=False, **message), card, self.links)
        except SlackApiError as exc:
            note = errors.hint(exc, self.lang, channel)
            log.warning("Slack refused a public answer in %s (%s)", self.channel, errors.code(exc))
            # The command did take effect: the asker sees its answer, and how to let the channel see it too.
            await self.private(dataclasses.replace(card, footer=note or card.footer))

    async def private(self, card: Card) -> None:
        if self.response_url and self.hook_uses < HOOK_USES:
            await self._hook(card, {"response_type": "ephemeral", "replace_original": False})
        elif self.channel:
            try:
                await charts.post_all(self._ephemeral, card, self.links)
            except SlackApiError as exc:
                log.warning("Slack refused an ephemeral answer in %s (%s)", self.channel, errors.code(exc))

    async def _ephemeral(self, message: dict[str, Any]) -> Any:
        assert self.channel is not None
        return await self.client.chat_postEphemeral(channel=self.channel, user=self.user, thread_ts=self.thread,
                                                    **message)

    async def _hook(self, card: Card, options: dict[str, Any]) -> None:
        """Answer on the response_url, in as many messages as the card needs (the first one with `options`); one
        Slack refused with its chart image goes again with the chart as text."""
        url = charts.chart_url(self.links, card)
        pages = render.messages(card, url, nonce=charts.nonce()) if url is not None else []
        if len(pages) == 1:
            response = await self._send({**pages[0], **options})
            if response.status_code == 200:
                return
            log.warning("Slack refused the answer with a chart image (%s %s); the chart goes as text",
                        response.status_code, str(response.body)[:200])
        for n, page in enumerate(render.messages(card, nonce=charts.nonce())):
            sent = {**page, **options} if n == 0 else {**page, **options, "replace_original": False}
            if self.hook_uses < HOOK_USES:
                response = await self._send(sent)
                if response.status_code != 200:
                    log.warning("Slack response_url answered %s", response.status_code)
            elif self.channel:  # a very long answer: the rest by chat.postEphemeral
                try:
                    await self._ephemeral(page)
                except SlackApiError as exc:
                    log.warning("Slack refused an ephemeral answer in %s (%s)", self.channel, errors.code(exc))

    async def _send(self, payload: dict[str, Any]) -> WebhookResponse:
        assert self.response_url is not None
        self.hook_uses += 1
        session = self.sessions.get() if self.sessions else None
        return await webhook(self.response_url, session).send_dict(payload)
