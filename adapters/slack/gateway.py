"""The Slack chat gateway: notifications and card copies go out with chat.postMessage, change with chat.update."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import charts, errors
from bot.cards import Card
from bot.ports import ChartLinks, Sent
from domain.notifications import Target
from domain.people import Platform, Workspace


class SlackGateway:
    platform = Platform.SLACK

    def __init__(self, client: AsyncWebClient, links: ChartLinks | None = None) -> None:
        self.client = client
        self.links = links  # with MEMS_PUBLIC_URL: a chart goes as an image Slack fetches from us

    async def send(self, workspace: Workspace, target: Target, card: Card, idempotency_key: str) -> Sent:
        """A user target is a user id: Slack posts it to the bot's direct conversation with them."""
        try:
            # The outbox key rides along as message metadata: a duplicate is then visible in Slack itself.
            metadata = {"event_type": "mems_notification", "event_payload": {"key": idempotency_key}}
            response = await charts.post(lambda message: self.client.chat_postMessage(
                channel=target.ref, unfurl_links=False, metadata=metadata, **message), card, self.links)
        except Exception as exc:
            raise errors.delivery_error(exc, workspace.lang, target.ref) from exc
        return Sent(channel=str(response["channel"]), message_ref=str(response["ts"]))

    async def update(self, workspace: Workspace, channel: str, message_ref: str, card: Card) -> None:
        try:
            await charts.post(lambda message: self.client.chat_update(channel=channel, ts=message_ref, **message),
                              card, self.links)
        except Exception as exc:
            raise errors.delivery_error(exc, workspace.lang, channel) from exc
