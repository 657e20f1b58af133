"""The Feishu chat gateway: outbox messages become cards sent to a chat or a person, and copies are patched in place;
its rate limits are Feishu's (5 a second per chat, 50 a second per app)."""

from __future__ import annotations

import logging
from typing import Any

from adapters.feishu import client as api
from adapters.feishu.charts import ChartUploads
from adapters.feishu.client import FeishuClient
from adapters.feishu.errors import FeishuError
from adapters.feishu.render import render
from adapters.feishu.store import TENANT
from bot.cards import Card
from bot.ports import ChartImages, Limit, Sent
from domain.notifications import Target, TargetKind
from domain.people import Platform, Workspace

log = logging.getLogger(__name__)
PER_CHAT = (5.0, 5)  # message sends: 5 a second per user and per group (shared by every bot in it)
PER_APP = (50.0, 50)  # and 50 a second per app


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
