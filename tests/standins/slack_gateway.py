"""A minimal Slack ChatGateway over httpx, enough to drive the delivery worker against the stand-in (the real
gateway lives in adapters/slack). 429 → DeliveryError(retry_after), 5xx and timeouts → retryable, a missing
channel or a dead token → permanent."""

from __future__ import annotations

import httpx

from bot.cards import Card
from bot.ports import DeliveryError, Sent
from domain.notifications import Target
from domain.people import Platform, Workspace

PERMANENT = {"channel_not_found", "not_in_channel", "invalid_auth", "token_revoked", "account_inactive"}


class MinimalSlackGateway:
    platform = Platform.SLACK

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:  # one pool per event loop: created on first use inside it
            self._client = httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout,
                                             limits=httpx.Limits(max_connections=64))
        return self._client

    async def send(self, workspace: Workspace, target: Target, card: Card, idempotency_key: str) -> Sent:
        body = {"channel": target.ref, "text": card.title,
                "metadata": {"event_type": "mems_alert", "event_payload": {"key": idempotency_key}}}
        try:
            response = await self._http().post("chat.postMessage", json=body)
        except httpx.TimeoutException as exc:
            raise DeliveryError("timeout") from exc
        except httpx.TransportError as exc:
            raise DeliveryError(type(exc).__name__) from exc
        if response.status_code == 429:
            raise DeliveryError("ratelimited", retry_after=float(response.headers.get("Retry-After", "1")))
        if response.status_code >= 500:
            raise DeliveryError(f"HTTP {response.status_code}")
        data = response.json()
        if not data.get("ok"):
            error = str(data.get("error"))
            raise DeliveryError(error, permanent=error in PERMANENT, hint=f"Slack said {error}.")
        return Sent(channel=str(data["channel"]), message_ref=str(data["ts"]))

    async def update(self, workspace: Workspace, channel: str, message_ref: str, card: Card) -> None:
        return None

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
