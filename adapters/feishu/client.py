"""The Feishu Open API over httpx: our own tenant access token cache, one retry on an invalid token, every failure
classified. Not lark-oapi's client: its token cache is process-global and never invalidated, its token call is
synchronous (it would block the event loop), it opens a connection per call, and it refuses a plain-http base URL
that is not on loopback, which a stand-in server in docker-compose needs."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from adapters.feishu.errors import INVALID_TOKEN, TOO_LONG, FeishuError, classify, unreachable
from adapters.feishu.render import shortest
from adapters.feishu.store import TENANT, StoreTokens

log = logging.getLogger(__name__)
TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
REFRESH_EARLY = 600.0  # seconds before expiry: Feishu hands out a fresh token when < 30 min are left
UUID_LENGTH = 50  # Feishu's limit on the idempotency key of a send


def idempotency_key(key: str) -> str:
    """Feishu de-duplicates sends with the same `uuid` for an hour; our keys are longer than it allows."""
    return hashlib.sha256(key.encode()).hexdigest()[:UUID_LENGTH]


@dataclass
class _LoopState:
    """httpx pools and asyncio locks belong to one event loop; tests and `mems tick` run more than one."""

    http: httpx.AsyncClient
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class FeishuClient:
    def __init__(self, base_url: str, app_id: str, app_secret: str, lang: str, timeout: float = 10.0,
                 clock: Callable[[], float] = time.monotonic, store: StoreTokens | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.store = store  # a store app: a tenant access token per tenant (TENANT names it)
        self.app_id = app_id
        self._secret = app_secret
        self.lang = lang
        self.timeout = timeout
        self._clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = weakref.WeakKeyDictionary()

    def _state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is None:
            state = _LoopState(httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout))
            self._loops[loop] = state
        return state

    async def aclose(self) -> None:
        state = self._loops.pop(asyncio.get_running_loop(), None)
        if state is not None:
            await state.http.aclose()

    # -- token --------------------------------------------------------------------------------------------------
    async def token(self) -> str:
        state = self._state()
        async with state.lock:
            if self.store is not None:
                return await self.store.tenant_token(state.http, TENANT.get())
            if self._token is None or self._clock() >= self._expires:
                await self._fetch_token(state.http)
            assert self._token is not None
            return self._token

    def drop_token(self, token: str) -> None:
        if self.store is not None:
            self.store.drop(token)
        if self._token == token:
            self._token = None

    async def _fetch_token(self, http: httpx.AsyncClient) -> None:
        try:
            resp = await http.post(TOKEN_PATH, json={"app_id": self.app_id, "app_secret": self._secret})
        except httpx.HTTPError as exc:
            raise unreachable(exc) from None
        payload = _payload(resp)
        code = payload.get("code")
        if resp.status_code >= 400 or code != 0 or not payload.get("tenant_access_token"):
            raise classify(resp.status_code, code, str(payload.get("msg", "")), resp.headers, self.lang)
        self._token = str(payload["tenant_access_token"])
        self._expires = self._clock() + max(float(payload.get("expire", 7200)) - REFRESH_EARLY, 60.0)
        log.info("Feishu tenant access token refreshed for app %s", self.app_id)

    # -- calls --------------------------------------------------------------------------------------------------
    async def call(self, method: str, path: str, *, params: dict[str, str] | None = None,
                   body: dict[str, Any] | None = None, form: dict[str, str] | None = None,
                   files: dict[str, tuple[str, bytes, str]] | None = None) -> dict[str, Any]:
        """One Open API call (a JSON `body`, or a multipart `form` with `files`); returns the reply's JSON.
        Raises FeishuError (a DeliveryError) on any failure."""
        for attempt in (1, 2):
            token = await self.token()
            try:
                resp = await self._state().http.request(method, path, params=params, json=body, data=form,
                                                        files=files, headers={"Authorization": f"Bearer {token}"})
            except httpx.HTTPError as exc:
                raise unreachable(exc) from None
            payload = _payload(resp)
            code = payload.get("code")
            if code in INVALID_TOKEN and attempt == 1:
                self.drop_token(token)  # revoked or expired early: fetch a new one and try once more
                continue
            if resp.status_code >= 400 or code != 0:
                error = classify(resp.status_code, code, str(payload.get("msg", "")), resp.headers, self.lang)
                log.warning("Feishu %s %s failed: %s (log id %s)", method, path.split("?", maxsplit=1)[0], error.reason,
                            resp.headers.get("x-tt-logid", "-"))
                raise error
            return payload
        raise AssertionError("unreachable")  # pragma: no cover

    async def send(self, id_type: str, receive_id: str, card: dict[str, Any], uuid: str) -> dict[str, Any]:
        """POST /im/v1/messages: a card to a chat (chat_id) or a person (open_id); returns data."""
        async def attempt(body: dict[str, Any]) -> dict[str, Any]:
            return await self.call("POST", "/open-apis/im/v1/messages", params={"receive_id_type": id_type},
                                   body={"receive_id": receive_id, "msg_type": "interactive",
                                         "content": _content(body), "uuid": uuid})

        return dict((await self._fitting(attempt, card)).get("data") or {})

    async def reply(self, message_id: str, card: dict[str, Any], uuid: str, in_thread: bool) -> dict[str, Any]:
        """POST /im/v1/messages/{id}/reply: a card in the thread of the message it answers."""
        async def attempt(body: dict[str, Any]) -> dict[str, Any]:
            return await self.call("POST", f"/open-apis/im/v1/messages/{message_id}/reply",
                                   body={"msg_type": "interactive", "content": _content(body), "uuid": uuid,
                                         "reply_in_thread": in_thread})

        return dict((await self._fitting(attempt, card)).get("data") or {})

    async def patch(self, message_id: str, card: dict[str, Any]) -> None:
        """PATCH /im/v1/messages/{id}: replace a card sent with update_multi (every viewer sees the change)."""
        async def attempt(body: dict[str, Any]) -> dict[str, Any]:
            return await self.call("PATCH", f"/open-apis/im/v1/messages/{message_id}",
                                   body={"content": _content(body)})

        await self._fitting(attempt, card)

    async def _fitting(self, attempt: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]],
                       card: dict[str, Any]) -> dict[str, Any]:
        """Send `card`; when Feishu finds it too long (230025) anyway, send its shortest form once instead, so the
        reader gets its title, its buttons and a note rather than nothing."""
        try:
            return await attempt(card)
        except FeishuError as exc:
            if exc.code != TOO_LONG:
                raise
            log.warning("Feishu found a card too long (%s); sending its shortest form", exc.reason)
            return await attempt(shortest(card, self.lang))

    async def upload_image(self, png: bytes, name: str = "chart.png") -> str:
        """POST /im/v1/images (multipart, image_type=message): an image for cards and messages; its image_key.
        Needs the im:resource (or im:resource:upload) permission."""
        payload = await self.call("POST", "/open-apis/im/v1/images", form={"image_type": "message"},
                                  files={"image": (name, png, "image/png")})
        key = (payload.get("data") or {}).get("image_key")
        if not key:
            raise FeishuError("feishu image upload answered without an image_key")
        return str(key)

    async def bot_info(self) -> dict[str, Any]:
        payload = await self.call("GET", "/open-apis/bot/v3/info")
        return dict(payload.get("bot") or {})


def _content(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False, separators=(",", ":"))


def _payload(resp: httpx.Response) -> dict[str, Any]:
    """The reply's JSON object; {} for anything else (a proxy's HTML page), which then reads as a failure."""
    try:
        data = resp.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
