"""The Slack chat gateway: notifications and card copies go out with chat.postMessage, change with chat.update; its
rate limit is Slack's (about 1 message a second per channel, with short bursts)."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import charts, errors
from adapters.slack.installs import NotInstalled, Tokens
from bot.cards import Card
from bot.i18n import tr
from bot.ports import ChartLinks, DeliveryError, Limit, Sent
from domain.notifications import Target
from domain.people import Platform, Workspace

# Slack allows "short bursts" above 1/s per channel; we stay a little under what it tolerates, so that a
# 429 is the exception (honoured when it comes) rather than the way we find the limit.
PER_CHANNEL = (1.0, 2)


def rate_limits(workspace: Workspace, target: Target) -> tuple[Limit, ...]:
    """The rate bucket a post to `target` waits for: its channel's (a person's direct messages are a channel)."""
    return (Limit(f"{workspace.platform.value}:{workspace.external_id}:{target}", *PER_CHANNEL),)


class SlackGateway:
    platform = Platform.SLACK

    def __init__(self, client: AsyncWebClient, links: ChartLinks | None = None, tokens: Tokens | None = None) -> None:
        self.client = client
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
        return rate_limits(workspace, target)

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
