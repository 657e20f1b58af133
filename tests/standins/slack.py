"""A stand-in for the Slack Web API (and response_urls, and Socket Mode), recording every call.

Run it with `SlackStandIn.start()`: uvicorn in a thread on a free loopback port. Script failures with
`fail(method, status=..., error=..., headers=...)`; read what the bot did with `calls(method)` and `hooks`.
Like Slack, it downloads the image of every image block before it accepts a message, and refuses the message
(invalid_blocks, "downloading image failed") when that fails; `fetched` records each download.
Like Slack, it refuses Block Kit that breaks a rule (tests/slack_validate.py: slack_sdk's models and Slack's limits)
with invalid_blocks or msg_blocks_too_long, and keeps why in `invalid`; `check()` fails the test that sent it.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from tests.slack_validate import call_problems, message_problems
from tests.standins.server import Server

TEAM = "T111"
BOT_USER = "UBOT"
HOOK_USES = 5  # Slack takes at most five answers on one response_url


@dataclass
class Call:
    method: str
    body: dict[str, Any]
    headers: dict[str, str]
    response: dict[str, Any] = field(default_factory=dict)  # what the stand-in answered


@dataclass
class Fetch:
    url: str
    status: int
    content_type: str
    body: bytes


@dataclass
class Scripted:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class SlackStandIn:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    log: list[Call] = field(default_factory=list)
    hooks: list[Call] = field(default_factory=list)
    script: dict[str, list[Scripted]] = field(default_factory=dict)
    envelopes: list[dict[str, Any]] = field(default_factory=list)  # Socket Mode: sent to the bot on connect
    acks: list[dict[str, Any]] = field(default_factory=list)
    fetched: list[Fetch] = field(default_factory=list)  # image blocks' images, downloaded as Slack does
    grants: dict[str, dict[str, Any]] = field(default_factory=dict)  # OAuth: code (or refresh token) → what it gives
    invalid: list[str] = field(default_factory=list)  # Block Kit Slack would have refused, and why
    port: int = 0
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _server: Server | None = None

    # -- what tests use --------------------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{name}"

    def add_user(self, user: str, name: str, tz: str = "Asia/Shanghai", locale: str = "en-US") -> None:
        self.users[user] = {"id": user, "team_id": TEAM, "name": name.lower(), "real_name": name, "tz": tz,
                            "locale": locale, "profile": {"display_name": name, "real_name": name}}

    def fail(self, method: str, status: int = 200, error: str = "", headers: dict[str, str] | None = None,
             **extra: Any) -> None:
        body = {"ok": False, "error": error, **extra} if error else {"ok": False}
        self.script.setdefault(method, []).append(Scripted(status, body, headers or {}))

    def succeed(self, method: str) -> None:
        """Answer the next call normally (to script a failure after it)."""
        self.script.setdefault(method, []).append(Scripted(200, {}, {}))

    def grant(self, code: str, team: str, team_name: str, token: str, installer: str,
              refresh_token: str | None = None, expires_in: int | None = None) -> None:
        """What oauth.v2.access answers for `code` (a team's installer came back from Slack's consent page), or,
        with grant_type=refresh_token, for the refresh token `code`."""
        self.grants[code] = {"team": team, "team_name": team_name, "token": token, "installer": installer,
                             "refresh_token": refresh_token, "expires_in": expires_in}

    def tokens(self, method: str) -> list[str]:
        """The bot token each call of `method` carried, in order."""
        return [c.headers.get("authorization", "").removeprefix("Bearer ") for c in self.calls(method)]

    def calls(self, method: str) -> list[Call]:
        return [c for c in self.log if c.method == method]

    def check(self) -> None:
        """Fail if the bot sent anything Slack would refuse since the last check (and start afresh)."""
        found = list(self.invalid)
        self.invalid.clear()
        assert not found, "the bot sent Slack what it refuses:\n  " + "\n  ".join(found)

    def reset(self) -> None:
        self.invalid.clear()
        self.log.clear()
        self.hooks.clear()
        self.script.clear()
        self.envelopes.clear()
        self.acks.clear()
        self.fetched.clear()
        self.grants.clear()

    # -- the API ---------------------------------------------------------------------------------------------

    async def _api(self, request: Request) -> Response:
        method = request.path_params["method"]
        body = await _body(request)
        call = Call(method, body, dict(request.headers))
        self.log.append(call)
        refusal = self._refusal(method, call_problems(method, body))
        if refusal is not None:
            call.response = refusal
            return JSONResponse(refusal)
        scripted = self.script[method].pop(0) if self.script.get(method) else None
        if scripted is not None and scripted.body:
            call.response = scripted.body
            return JSONResponse(scripted.body, status_code=scripted.status, headers=scripted.headers)
        refused = await self._images(body)
        if refused and method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            call.response = {"ok": False, "error": "invalid_blocks", "errors": refused}
            return JSONResponse(call.response)
        answer = getattr(self, "_" + method.replace(".", "_"), None)
        call.response = answer(body) if answer else {"ok": True}
        return JSONResponse(call.response)

    def _refusal(self, method: str, problems: list[str]) -> dict[str, Any] | None:
        """Slack's answer to a call whose Block Kit breaks a rule (None: nothing wrong)."""
        if not problems:
            return None
        self.invalid += [f"{method}: {p}" for p in problems]
        if method.startswith("views."):
            return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": problems}}
        if all(p.startswith("msg_blocks_too_long") for p in problems):
            return {"ok": False, "error": "msg_blocks_too_long"}
        return {"ok": False, "error": "invalid_blocks", "errors": problems}

    async def _images(self, body: dict[str, Any]) -> list[str]:
        """Download each image block's image; Slack's error for each one that is not a PNG, JPEG or GIF."""
        blocks = body.get("blocks") or []
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        refused = []
        for n, block in enumerate(blocks):
            if block.get("type") != "image" or "image_url" not in block:
                continue
            try:
                async with httpx.AsyncClient(timeout=5) as http:
                    got = await http.get(block["image_url"])
                fetch = Fetch(block["image_url"], got.status_code, got.headers.get("content-type", ""), got.content)
            except httpx.HTTPError:
                fetch = Fetch(block["image_url"], 0, "", b"")
            self.fetched.append(fetch)
            if fetch.status != 200 or not fetch.body.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
                refused.append(f"downloading image failed [json-pointer:/blocks/{n}/image_url]")
        return refused

    def _auth_test(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://example.slack.com/", "team": "Example", "user": "mems",
                "team_id": TEAM, "user_id": BOT_USER, "bot_id": "BBOT"}

    def _oauth_v2_access(self, body: dict[str, Any]) -> dict[str, Any]:
        """Slack exchanges a code (or a refresh token) for a bot token; an unknown one is invalid_code."""
        refreshing = body.get("grant_type") == "refresh_token"
        found = self.grants.get(str(body.get("refresh_token") if refreshing else body.get("code")))
        if found is None:
            return {"ok": False, "error": "invalid_refresh_token" if refreshing else "invalid_code"}
        answer: dict[str, Any] = {
            "ok": True, "app_id": "A111", "token_type": "bot", "access_token": found["token"],
            "scope": "app_mentions:read,chat:write,commands,users:read", "bot_user_id": f"UBOT{found['team']}",
            "team": {"id": found["team"], "name": found["team_name"]}, "enterprise": None,
            "is_enterprise_install": False, "authed_user": {"id": found["installer"]}}
        if found["refresh_token"]:
            answer.update(refresh_token=found["refresh_token"], expires_in=found["expires_in"] or 43200)
        return answer

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _chat_postMessage(self, body: dict[str, Any]) -> dict[str, Any]:
        channel = str(body.get("channel", ""))
        if channel[:1] in ("U", "W"):  # a user id: the bot's direct conversation with them
            channel = "D" + channel[1:]
        return {"ok": True, "channel": channel, "ts": self._next_ts(),
                "message": {"text": body.get("text"), "blocks": body.get("blocks")}}

    def _chat_update(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": body.get("channel"), "ts": body.get("ts"), "text": body.get("text")}

    def _chat_postEphemeral(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _views_open(self, body: dict[str, Any]) -> dict[str, Any]:
        view = body.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        return {"ok": True, "view": {**(view or {}), "id": f"V{next(self._ts):04d}"}}

    def _users_info(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(body.get("user")))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _apps_connections_open(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}

    async def _stats(self, request: Request) -> Response:
        counts: dict[str, int] = {}
        for call in self.log:
            counts[call.method] = counts.get(call.method, 0) + 1
        return JSONResponse({"calls": counts, "hooks": len(self.hooks)})

    async def _hook(self, request: Request) -> Response:
        body = await _body(request)
        name = request.path_params["name"]
        if sum(h.method == name for h in self.hooks) >= HOOK_USES:
            self.invalid.append(f"response_url {name}: used more than {HOOK_USES} times")
            return PlainTextResponse("used_url", status_code=404)
        if self._refusal("response_url", message_problems(body)) is not None:
            return PlainTextResponse("invalid_blocks", status_code=400)
        if await self._images(body):
            return PlainTextResponse("invalid_blocks", status_code=400)
        self.hooks.append(Call(name, body, dict(request.headers)))
        return PlainTextResponse("ok")

    async def _socket(self, ws: WebSocket) -> None:
        """Socket Mode: hello, then each queued envelope; every ack the bot sends is kept."""
        await ws.accept()
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "standin"},
                            "connection_info": {"app_id": "A111"}})
        for envelope in list(self.envelopes):
            await ws.send_json(envelope)
        try:
            while True:
                self.acks.append(json.loads(await ws.receive_text()))
        except Exception:  # the bot disconnected
            return

    # -- running it ------------------------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/api/{method}", self._api, methods=["GET", "POST"]),
                                 Route("/hooks/{name}", self._hook, methods=["POST"]),
                                 Route("/_stats", self._stats, methods=["GET"]),
                                 WebSocketRoute("/socket", self._socket)])

    def start(self) -> SlackStandIn:
        self._server = Server(self.app(), self.port, lifespan="off", ws="websockets-sansio").start()
        self.port = self._server.port
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        return json.loads(raw or b"{}")
    fields = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
    fields.update(request.query_params)
    return fields


def wait_for(check: Any, timeout: float = 5.0) -> Any:
    """Poll until `check()` is truthy (the bot answers after its acknowledgement)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.01)


def main() -> None:
    """`python -m tests.standins.slack PORT [USERS]`: serve in the foreground (benchmarks run it this way)."""
    import sys

    standin = SlackStandIn(port=int(sys.argv[1]))
    for n in range(int(sys.argv[2]) if len(sys.argv) > 2 else 0):
        standin.add_user(f"U{n:05d}", f"user{n}")
    uvicorn.run(standin.app(), host="127.0.0.1", port=standin.port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()

__all__ = ["BOT_USER", "TEAM", "SlackStandIn", "wait_for"]
