"""Feishu store apps (应用商店应用, MEMS_FEISHU_APP_TYPE=store): installed by many tenants. Feishu pushes an
`app_ticket` about every hour (kept in the database, so every replica has it); with it the app access token; with
that a tenant access token per tenant, each cached until ten minutes before it expires. Which tenant a call is for
is TENANT: set by the gateway for each send and by the listeners for each event they answer."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import httpx

from adapters.feishu.errors import FeishuError, classify, unreachable
from bot.ports import Installations
from domain.people import Platform

log = logging.getLogger(__name__)
TENANT: ContextVar[str | None] = ContextVar("feishu_tenant", default=None)
APP_TOKEN_PATH = "/open-apis/auth/v3/app_access_token"
TENANT_TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token"
RESEND_PATH = "/open-apis/auth/v3/app_ticket/resend"
REFRESH_EARLY = 600.0


class StoreTokens:
    def __init__(self, app_id: str, app_secret: str, installations: Installations, lang: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app_id = app_id
        self._secret = app_secret
        self.installations = installations
        self.lang = lang
        self._clock = clock
        self._app: tuple[str, float] | None = None
        self._tenants: dict[str, tuple[str, float]] = {}

    @property
    def _ticket_name(self) -> str:
        return f"app_ticket:{self.app_id}"

    def keep_ticket(self, ticket: str) -> None:
        """The app_ticket event (lark's worker thread): kept for every replica; the app token is asked afresh."""
        self.installations.put_value(Platform.FEISHU, self._ticket_name, ticket, datetime.now(UTC))
        self._app = None
        log.info("Feishu app_ticket received for app %s", self.app_id)

    def drop(self, token: str) -> None:
        self._tenants = {k: v for k, v in self._tenants.items() if v[0] != token}

    async def tenant_token(self, http: httpx.AsyncClient, tenant: str | None) -> str:
        if not tenant:
            raise FeishuError("feishu: a store app's call names no tenant")
        found = self._tenants.get(tenant)
        if found is not None and self._clock() < found[1]:
            return found[0]
        app = await self._app_token(http)
        payload = await self._post(http, TENANT_TOKEN_PATH, {"app_access_token": app, "tenant_key": tenant},
                                   "tenant_access_token")
        token = str(payload["tenant_access_token"])
        self._tenants[tenant] = (token, self._until(payload))
        log.info("Feishu tenant access token refreshed for tenant %s", tenant)
        return token

    async def _app_token(self, http: httpx.AsyncClient) -> str:
        if self._app is not None and self._clock() < self._app[1]:
            return self._app[0]
        ticket = await asyncio.to_thread(self.installations.get_value, Platform.FEISHU, self._ticket_name)
        if not ticket:  # not pushed yet (a new app, a fresh database): ask Feishu to push it again, try later
            await self._post(http, RESEND_PATH, {"app_id": self.app_id, "app_secret": self._secret}, None)
            raise FeishuError("feishu: no app_ticket yet; Feishu was asked to resend it")
        payload = await self._post(http, APP_TOKEN_PATH, {"app_id": self.app_id, "app_secret": self._secret,
                                                          "app_ticket": ticket}, "app_access_token")
        self._app = (str(payload["app_access_token"]), self._until(payload))
        return self._app[0]

    def _until(self, payload: dict[str, Any]) -> float:
        return self._clock() + max(float(payload.get("expire", 7200)) - REFRESH_EARLY, 60.0)

    async def _post(self, http: httpx.AsyncClient, path: str, body: dict[str, Any],
                    needs: str | None) -> dict[str, Any]:
        try:
            resp = await http.post(path, json=body)
        except httpx.HTTPError as exc:
            raise unreachable(exc) from None
        try:
            payload = resp.json()
        except ValueError:
            payload = {}
        payload = payload if isinstance(payload, dict) else {}
        if resp.status_code >= 400 or payload.get("code") != 0 or (needs and not payload.get(needs)):
            raise classify(resp.status_code, payload.get("code"), str(payload.get("msg", "")), resp.headers,
                           self.lang)
        return payload
