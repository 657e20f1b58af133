"""The Feishu ChatGateway: outbox messages become cards sent to a chat or a person, and copies are patched in place.
It also carries what the Feishu endpoint needs (the client, the bot's identity, the background work, chart uploads)."""

from __future__ import annotations

import logging
from typing import Any

from adapters.feishu import client as api
from adapters.feishu.background import Background
from adapters.feishu.client import FeishuClient
from adapters.feishu.errors import FeishuError
from adapters.feishu.identity import BotIdentity
from adapters.feishu.images import ChartUploads
from adapters.feishu.render import render
from bot.cards import Card
from bot.ports import ChartImages, Sent
from bot.settings import Settings
from domain.notifications import Target, TargetKind
from domain.people import Platform, Workspace

log = logging.getLogger(__name__)


class FeishuGateway:
    platform = Platform.FEISHU

    def __init__(self, client: FeishuClient, identity: BotIdentity | None = None,
                 background: Background | None = None, charts: ChartImages | None = None) -> None:
        self.client = client
        self.identity = identity or BotIdentity(client)
        self.background = background or Background()
        self.charts = ChartUploads(client, charts)

    async def render(self, card: Card, lang: str) -> dict[str, Any]:
        """The card as Feishu JSON, its chart uploaded as an image first (as text if that fails)."""
        return render(card, lang, await self.charts.key(card))

    async def send(self, workspace: Workspace, target: Target, card: Card, idempotency_key: str) -> Sent:
        """A person gets the card in their chat with the bot (open_id), a channel in its group (chat_id)."""
        id_type = "open_id" if target.kind is TargetKind.USER else "chat_id"
        data = await self.client.send(id_type, target.ref, await self.render(card, workspace.lang),
                                      api.idempotency_key(idempotency_key))
        return Sent(channel=str(data.get("chat_id") or target.ref), message_ref=str(data.get("message_id", "")))

    async def update(self, workspace: Workspace, channel: str, message_ref: str, card: Card) -> None:
        """Patch one copy. A copy Feishu will never update (recalled, its chat gone) is skipped, not retried: the
        worker updates every copy of a card in one go, and one lost copy must not hold back the others."""
        try:
            await self.client.patch(message_ref, await self.render(card, workspace.lang))
        except FeishuError as exc:
            if not exc.permanent:
                raise
            log.warning("Feishu card %s in %s cannot be updated: %s", message_ref, channel, exc.reason)


def connect(settings: Settings, charts: ChartImages | None = None) -> FeishuGateway:
    """The gateway for the app in the settings (called only when the Feishu settings are complete); `charts` draws
    chart images to upload (without it, charts go as text)."""
    assert settings.feishu_app_id and settings.feishu_app_secret
    client = FeishuClient(settings.feishu_api_url, settings.feishu_app_id,
                          settings.feishu_app_secret.get_secret_value(), settings.lang_for(Platform.FEISHU))
    return FeishuGateway(client, charts=charts)
