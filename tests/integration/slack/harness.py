"""A Slack workspace around the real app: signed requests in, the stand-in Slack API recording what went out."""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from fastapi.testclient import TestClient
from httpx import Response
from slack_sdk.signature import SignatureVerifier

from bot.entry import bootstrap
from bot.entry.web import create_app
from bot.settings import Settings
from tests.standins.server import serve_asgi
from tests.standins.slack import TEAM, Call, SlackStandIn

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "slack"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def signed_headers(body: str, content_type: str, secret: str = SECRET, ts: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body) or ""}


def form(fields: dict[str, Any]) -> str:
    return urlencode(fields)


def payload_form(payload: dict[str, Any]) -> str:
    return "payload=" + quote(json.dumps(payload))


class SlackWorkspace:
    """One server with the real bootstrap over a database; people type commands and click what they were sent."""

    def __init__(self, standin: SlackStandIn, database_url: str, workers: bool = False, port: int | None = None,
                 **overrides: Any) -> None:
        """`port`: serve the app for real (uvicorn on that loopback port), for Slack to fetch chart images from."""
        values: dict[str, Any] = {
            "database_url": database_url, "scheduler": "off", "slack_bot_token": TOKEN,
            "slack_signing_secret": SECRET, "slack_api_url": standin.api_url, "admins": "slack:UADMIN"}
        values.update(overrides)
        self.standin = standin
        self.settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        self.container = bootstrap.build(self.settings)
        self.app = create_app(self.container, run_workers=workers)  # workers: the delivery loop runs as in serve
        self.server = serve_asgi(self.app, port=port) if port else None
        self.http: httpx.Client = TestClient(self.app) if port is None else httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=30)
        self._ids = itertools.count(1)

    def __enter__(self) -> SlackWorkspace:
        if self.server is not None:
            self.server.__enter__()
        self.http.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.__exit__(*exc)
        if self.server is not None:
            self.server.__exit__(*exc)
        self.container.close()

    # -- raw requests ----------------------------------------------------------------------------------------

    def post(self, body: str | bytes, content_type: str = "application/x-www-form-urlencoded",
             headers: dict[str, str] | None = None, **sign: Any) -> Response:
        text = body.decode() if isinstance(body, bytes) else body
        sent = {**signed_headers(text, content_type, **sign), **(headers or {})}
        return self.http.post("/slack/events", content=body, headers=sent)

    def idle(self) -> None:
        """Wait for the answers that follow the acknowledgements."""
        time.sleep(0.02)
        assert self.container.offload.wait_idle(10), "Slack listeners still running"
        self.standin.check()  # whatever the bot sent meanwhile is Block Kit Slack accepts

    def deliver(self) -> int:
        return asyncio.run(self.container.delivery.drain())

    # -- what people do ----------------------------------------------------------------------------------------

    def command(self, user: str, text: str, channel: str = "CHOME", team: str = TEAM,
                headers: dict[str, str] | None = None, trigger: str | None = None) -> Response:
        n = next(self._ids)
        fields = dict(fixture("slash_command")["fields"])
        fields.update(team_id=team, user_id=user, user_name=user.lower(), channel_id=channel,
                      command=self.settings.slack_command, text=text,
                      trigger_id=trigger or f"trig-{n}-{uuid.uuid4().hex[:8]}",
                      response_url=self.standin.response_url(f"cmd-{n}"))
        response = self.post(form(fields), headers=headers)
        self.idle()
        return response

    def click(self, user: str, message: dict[str, Any], channel: str, ts: str, action: str,
              team: str = TEAM) -> Response:
        """Click the button whose action_id starts with `action` on a message the bot sent."""
        block, button = next((b, e) for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                             if e["action_id"].split(".")[0] == action)
        payload = copy.deepcopy(fixture("block_actions_message")["payload"])
        n = next(self._ids)
        payload.update(user={"id": user, "username": user.lower(), "team_id": team}, team={"id": team},
                       channel={"id": channel}, trigger_id=f"trig-{n}-{uuid.uuid4().hex[:8]}",
                       response_url=self.standin.response_url(f"click-{n}"),
                       container={"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
                       message={**payload["message"], "ts": ts, "blocks": message["blocks"]},
                       actions=[{"action_id": button["action_id"], "block_id": block.get("block_id", ""),
                                 "text": button["text"], "value": button["value"], "type": "button",
                                 "action_ts": f"{time.time():.6f}"}])
        response = self.post(payload_form(payload))
        self.idle()
        return response

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any], team: str = TEAM) -> Response:
        """Submit a modal the bot opened; `values` maps block id → typed text (or a dict for selects)."""
        payload = copy.deepcopy(fixture("view_submission")["payload"])
        state = {block: {"value": v if isinstance(v, dict) else {"type": "plain_text_input", "value": v}}
                 for block, v in values.items()}
        payload.update(user={"id": user, "username": user.lower(), "team_id": team}, team={"id": team},
                       view={**payload["view"], **view, "state": {"values": state}})
        response = self.post(payload_form(payload))
        self.idle()
        return response

    # -- what people see ---------------------------------------------------------------------------------------

    def posted(self, channel: str) -> list[Call]:
        """Messages the bot posted to a channel (a user id means their direct messages)."""
        dm = "D" + channel[1:] if channel[:1] in ("U", "W") else channel
        return [c for c in self.standin.calls("chat.postMessage") if c.body.get("channel") in (channel, dm)]

    def answers(self) -> list[dict[str, Any]]:
        """What went back on response_urls, in order."""
        return [c.body for c in self.standin.hooks]

    def last_answer(self) -> str:
        assert self.standin.hooks, "no answer on a response_url"
        return text_of(self.standin.hooks[-1].body)

    def opened_view(self) -> dict[str, Any]:
        calls = self.standin.calls("views.open")
        assert calls, "no modal was opened"
        view = calls[-1].body["view"]
        return json.loads(view) if isinstance(view, str) else dict(view)


def text_of(message: dict[str, Any]) -> str:
    """Every piece of text in a rendered message, for assertions that read like what a person sees."""
    parts = [str(message.get("text", ""))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                parts.append(str(node.get("text", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("blocks", []))
    return "\n".join(parts)


def buttons(message: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]
