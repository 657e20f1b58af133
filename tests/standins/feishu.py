"""A stand-in for the Feishu Open API: the calls MEMS makes, with tokens, idempotent sends and programmable failures.

One implementation, two transports: `OpenApi.respond` answers httpx requests (behind respx), and `serve()` runs it
as a real HTTP server (uvicorn on a free loopback port) for end-to-end tests."""

from __future__ import annotations

import contextlib
import email
import email.policy
import itertools
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.standins.server import serve_asgi

BOT_OPEN_ID = "ou_bot_mems"
APP_ID = "cli_mems_test"
APP_SECRET = "app-secret-never-logged"


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any] | None
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def message_id(self) -> str:
        """The id the stand-in gave the message this call created."""
        return str(self.response["data"]["message_id"])

    @property
    def chat_id(self) -> str:
        return str(self.response["data"]["chat_id"])

    @property
    def card(self) -> dict[str, Any]:
        """The card a send, reply or patch carried (content is a JSON string)."""
        assert self.body is not None and "content" in self.body, self
        return json.loads(self.body["content"])  # type: ignore[no-any-return]


@dataclass
class Failure:
    method: str
    path_part: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    receive_id: str | None = None  # only a send to this chat or person

    def matches(self, call: Call) -> bool:
        to = call.body.get("receive_id") if call.body else None
        return (self.method == call.method and self.path_part in call.path
                and (self.receive_id is None or self.receive_id == to))


class OpenApi:
    def __init__(self, app_id: str = APP_ID, app_secret: str = APP_SECRET, bot_open_id: str = BOT_OPEN_ID) -> None:
        self.app_id, self.app_secret, self.bot_open_id = app_id, app_secret, bot_open_id
        self.calls: list[Call] = []
        self.valid_tokens: set[str] = set()
        self.failures: list[Failure] = []
        self.by_uuid: dict[str, dict[str, Any]] = {}
        self.chat_of: dict[str, str] = {}  # message id -> chat id
        self.images: dict[str, bytes] = {}  # image key -> the uploaded bytes
        self.app_ticket: str | None = None  # a store app: the ticket Feishu pushed (tests push it as an event)
        self.tenant_of: dict[str, str] = {}  # a store app's tenant access token -> its tenant
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.threads_off = False  # groups that do not allow threads: reply_in_thread answers 230071
        self.long_connection: Any = None  # a feishu_longconn.LongConnection: answers /callback/ws/endpoint

    # -- test controls ------------------------------------------------------------------------------------------
    def fail_next(self, method: str, path_part: str, status: int, body: dict[str, Any],
                  headers: dict[str, str] | None = None, receive_id: str | None = None) -> None:
        self.failures.append(Failure(method, path_part, status, body, headers or {}, receive_id))

    def revoke_tokens(self) -> None:
        self.valid_tokens.clear()

    # -- what tests read ----------------------------------------------------------------------------------------
    def find(self, method: str, path_part: str = "") -> list[Call]:
        return [c for c in self.calls if c.method == method and path_part in c.path]

    def sent_to(self, receive_id: str) -> list[Call]:
        return [c for c in self.find("POST", "/im/v1/messages") if c.body and c.body.get("receive_id") == receive_id]

    def replies_to(self, message_id: str) -> list[Call]:
        return self.find("POST", f"/im/v1/messages/{message_id}/reply")

    def patches_of(self, message_id: str) -> list[Call]:
        return self.find("PATCH", f"/im/v1/messages/{message_id}")

    def message_calls(self) -> list[Call]:
        return [c for c in self.calls if "/im/v1/messages" in c.path]

    def messages_by_uuid(self) -> dict[str, set[str]]:
        """For each idempotency key (`uuid`) a send carried, the distinct messages Feishu made of it: one each, however
        often the bot sent it, as long as the bot re-sends with the same uuid."""
        found: dict[str, set[str]] = {}
        for call in self.find("POST", "/im/v1/messages"):
            uuid = (call.body or {}).get("uuid")
            if uuid and call.response.get("code") == 0:
                found.setdefault(str(uuid), set()).add(call.message_id)
        return found

    def sends_by_uuid(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for call in self.find("POST", "/im/v1/messages"):
            uuid = str((call.body or {}).get("uuid"))
            counts[uuid] = counts.get(uuid, 0) + 1
        return counts

    def uploads(self) -> list[Call]:
        return self.find("POST", "/open-apis/im/v1/images")

    # -- the API ------------------------------------------------------------------------------------------------
    def respond(self, request: httpx.Request) -> httpx.Response:
        """respx side effect."""
        body = parse_body(request.headers.get("content-type", ""), request.content)
        status, payload, headers = self.handle(request.method, request.url.path, dict(request.url.params),
                                               dict(request.headers), body)
        return httpx.Response(status, json=payload, headers=headers)

    def handle(self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
               body: dict[str, Any] | None) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            call = Call(method, path, query, {k.lower(): v for k, v in headers.items()}, body)
            self.calls.append(call)
            status, payload, reply_headers = self._answer(call)
            call.response = payload
            return status, payload, reply_headers

    def _answer(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        for failure in self.failures:
            if failure.matches(call):
                self.failures.remove(failure)
                return failure.status, failure.body, failure.headers
        if call.path == "/open-apis/auth/v3/tenant_access_token/internal":
            return self._token(call.body)
        if call.path == "/callback/ws/endpoint" and self.long_connection is not None:
            return self.long_connection.endpoint(call.body)  # type: ignore[no-any-return]
        if call.path in ("/open-apis/auth/v3/app_access_token", "/open-apis/auth/v3/tenant_access_token",
                         "/open-apis/auth/v3/app_ticket/resend"):
            return self._store(call.path, call.body or {})
        if call.headers.get("authorization", "").removeprefix("Bearer ") not in self.valid_tokens:
            return 400, {"code": 99991663, "msg": "Invalid access token for authorization."}, {}
        return self._api(call.method, call.path, call.query, call.body)

    def _token(self, body: dict[str, Any] | None) -> tuple[int, dict[str, Any], dict[str, str]]:
        if not body or body.get("app_id") != self.app_id or body.get("app_secret") != self.app_secret:
            return 400, {"code": 10014, "msg": "app secret invalid"}, {}
        token = f"t-{next(self._ids)}"
        self.valid_tokens.add(token)
        return 200, {"code": 0, "msg": "ok", "tenant_access_token": token, "expire": 7200}, {}

    def _store(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        """A store app's tokens: the app access token for the app_ticket, then a tenant access token per tenant."""
        if path.endswith("app_ticket/resend"):
            return 200, {"code": 0, "msg": "ok"}, {}
        if path.endswith("app_access_token"):
            if (body.get("app_id"), body.get("app_secret")) != (self.app_id, self.app_secret) or \
                    not self.app_ticket or body.get("app_ticket") != self.app_ticket:
                return 400, {"code": 10012, "msg": "app_ticket invalid"}, {}
            token = f"a-{next(self._ids)}"
            self.valid_tokens.add(token)  # only for asking tenant tokens; not accepted by message APIs below
            return 200, {"code": 0, "msg": "ok", "app_access_token": token, "expire": 7200}, {}
        tenant = str(body.get("tenant_key") or "")
        if body.get("app_access_token") not in self.valid_tokens or not tenant:
            return 400, {"code": 99991664, "msg": "app access token invalid"}, {}
        token = f"t-{tenant}-{next(self._ids)}"
        self.valid_tokens.add(token)
        self.tenant_of[token] = tenant
        return 200, {"code": 0, "msg": "ok", "tenant_access_token": token, "expire": 7200}, {}

    def tenants_of(self, calls: list[Call]) -> list[str]:
        """The tenant whose token each call carried."""
        return [self.tenant_of.get(c.headers.get("authorization", "").removeprefix("Bearer "), "?") for c in calls]

    def _api(self, method: str, path: str, query: dict[str, str],
             body: dict[str, Any] | None) -> tuple[int, dict[str, Any], dict[str, str]]:
        ok: dict[str, str] = {}
        if method == "GET" and path == "/open-apis/bot/v3/info":
            return 200, {"code": 0, "msg": "ok", "bot": {"open_id": self.bot_open_id, "app_name": "MEMS",
                                                         "activate_status": 2}}, ok
        if method == "POST" and path == "/open-apis/im/v1/messages":
            chat = body["receive_id"] if query.get("receive_id_type") == "chat_id" else f"oc_p2p_{body['receive_id']}"
            return 200, {"code": 0, "msg": "success", "data": self._message(body, chat)}, ok
        if method == "POST" and path.endswith("/reply"):
            if self.threads_off and (body or {}).get("reply_in_thread"):
                return 400, {"code": 230071, "msg": "The chat does not support threads."}, ok
            original = path.split("/")[-2]
            return 200, {"code": 0, "msg": "success",
                         "data": self._message(body, self.chat_of.get(original, "oc_unknown"))}, ok
        if method == "PATCH" and path.startswith("/open-apis/im/v1/messages/"):
            return 200, {"code": 0, "msg": "success", "data": {}}, ok
        if method == "POST" and path == "/open-apis/im/v1/images":
            return self._image(body or {})
        return 404, {"code": 404, "msg": f"no such API in the stand-in: {method} {path}"}, ok

    def _image(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        """POST /im/v1/images: multipart image_type=message and an image of at most 10 MB (its image_key)."""
        image = body.get("image")
        if body.get("image_type") not in ("message", "avatar") or not isinstance(image, bytes) or not image:
            return 400, {"code": 234001, "msg": "Invalid request param."}, {}
        if len(image) > 10 * 1024 * 1024:
            return 400, {"code": 234006, "msg": "The file size exceed the max value."}, {}
        if not image.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8")):
            return 400, {"code": 234011, "msg": "Can't recognize the image format."}, {}
        key = f"img_v3_{next(self._ids)}"
        self.images[key] = image
        return 200, {"code": 0, "msg": "success", "data": {"image_key": key}}, {}

    def _message(self, body: dict[str, Any], chat: str) -> dict[str, Any]:
        uuid = body.get("uuid")
        if uuid and uuid in self.by_uuid:  # Feishu: the same uuid within an hour is the same message
            return self.by_uuid[uuid]
        message_id = f"om_{next(self._ids)}"
        self.chat_of[message_id] = chat
        data = {"message_id": message_id, "chat_id": chat, "msg_type": body.get("msg_type", "")}
        if uuid:
            self.by_uuid[uuid] = data
        return data


def asgi(api: OpenApi) -> Starlette:
    async def endpoint(request: Request) -> JSONResponse:
        body = parse_body(request.headers.get("content-type", ""), await request.body())
        status, payload, headers = api.handle(request.method, request.url.path,
                                              dict(parse_qsl(request.url.query)), dict(request.headers), body)
        return JSONResponse(payload, status_code=status, headers=headers)

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST", "PATCH"])])


def parse_body(content_type: str, raw: bytes) -> dict[str, Any] | None:
    """A JSON body, or a multipart form (fields as text, files as bytes with `<name>_filename`, `_content_type`)."""
    if not raw:
        return None
    if not content_type.startswith("multipart/form-data"):
        return json.loads(raw)  # type: ignore[no-any-return]
    message = email.message_from_bytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw,
                                       policy=email.policy.HTTP)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        data = part.get_payload(decode=True)
        if part.get_filename():
            fields.update({name: data, f"{name}_filename": part.get_filename(),
                           f"{name}_content_type": part.get_content_type()})
        else:
            fields[name] = data.decode()
    return fields


def serve(api: OpenApi) -> contextlib.AbstractContextManager[str]:
    """The stand-in on a free loopback port, in a thread; yields its base URL."""
    return serve_asgi(asgi(api), lifespan="off")
