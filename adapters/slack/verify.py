"""Is this request from Slack, and shaped as Slack sends it? Its v0 signature over the exact bytes, at most five
minutes old, then a slash command form, an interactivity form or an Events API object. Checked before bolt sees a
request, so nothing unverified reaches bolt, bolt never trips over a malformed body, and nothing secret is logged.
Whatever a caller sends, the answer is a 401 or a 400, never an exception."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MAX_AGE = 300  # seconds either side of now, as slack_sdk's SignatureVerifier
MAX_DEPTH = 32  # Slack's own payloads nest about ten levels (a modal's state); deeper is not Slack
# Parts of an interactivity payload that must be objects when present (bolt reads into them unguarded).
# Present, each must be an object: bolt reads body["event"] of all, and its log line for an unmatched request reads
# body["view"] whenever the key is there (a signed click with "view": null was a 500).
OBJECTS = ("user", "container", "channel", "message", "state", "event", "view")
# Parts of a clicked element and of a modal that MEMS reads as text, when present.
ACTION_TEXT = ("action_id", "block_id", "value", "action_ts")
VIEW_TEXT = ("id", "callback_id", "private_metadata", "hash")


class Signer:
    """Slack's v0 signature, computed over the raw bytes (a body that is not UTF-8 is still checked, then refused
    as malformed) and compared as bytes, so a header with any character in it is merely wrong."""

    def __init__(self, secret: str, now: Callable[[], float] = time.time) -> None:
        self._secret = secret.encode()
        self._now = now

    def signature(self, timestamp: str, body: bytes) -> str:
        digest = hmac.new(self._secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
        return "v0=" + digest

    def signed(self, body: bytes, timestamp: str, signature: str) -> bool:
        """True when `signature` is Slack's for these bytes and the timestamp is at most five minutes off."""
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12) or not signature:
            return False
        if abs(self._now() - int(timestamp)) > MAX_AGE:
            return False
        given = signature.encode("utf-8", "surrogateescape")
        return hmac.compare_digest(self.signature(timestamp, body).encode(), given)


def media_type(content_type: str) -> str:
    """`application/json; charset=utf-8` → `application/json`: the type itself, for an exact comparison."""
    return content_type.split(";", 1)[0].strip().lower()


def ssl_check(headers: Mapping[str, str], body: bytes) -> bool:
    """Slack's `ssl_check=1` probe of a slash command's URL (a form without a command), which bolt answers 200."""
    if media_type(headers.get("content-type", "")) != FORM or len(body) > 4096:
        return False
    try:
        fields = parse_qs(body.decode("utf-8"))
    except ValueError:
        return False
    return fields.get("ssl_check") == ["1"] and "command" not in fields and "payload" not in fields


def refused(signer: Signer, headers: Mapping[str, str], body: bytes) -> tuple[int, str] | None:
    """Why the request is refused (HTTP status, error), or None when Slack signed it and it is well formed."""
    if not signer.signed(body, headers.get("x-slack-request-timestamp", ""), headers.get("x-slack-signature", "")):
        return 401, "invalid request"
    if not well_formed(headers.get("content-type", ""), body):
        return 400, "bad request"
    return None


def well_formed(content_type: str, body: bytes) -> bool:
    """A slash command form, an interactivity form, or an Events API object, shaped as Slack sends them;
    anything else is a bad request, answered before bolt trips over it."""
    kind = media_type(content_type)
    try:
        text = body.decode("utf-8")
        if kind == FORM:
            fields = parse_qs(text, strict_parsing=True)
            if "payload" in fields:
                return _interaction(_load(fields["payload"][0]))
            return "command" in fields
        if kind == JSON:
            return _event(_load(text))
    except (ValueError, RecursionError):
        return False
    return False


def _load(text: str) -> Any:
    """JSON at most MAX_DEPTH levels deep (json.loads recurses once per level; RecursionError past ~1,000)."""
    data = json.loads(text)
    level: list[tuple[Any, int]] = [(data, 1)]
    while level:
        node, depth = level.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > MAX_DEPTH:
                    raise ValueError("nested too deep")
                level.append((child, depth + 1))
    return data


def _texts(data: dict[str, Any], keys: tuple[str, ...]) -> bool:
    return all(isinstance(data.get(key, ""), str) for key in keys)


def _interaction(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return False
    if any(key in data and not isinstance(data[key], dict) for key in OBJECTS):
        return False
    if data.get("team") is not None and not isinstance(data["team"], dict):
        return False
    if data["type"] == "block_actions" and not data.get("actions"):
        return False  # a click on nothing
    actions = data.get("actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, dict) and "action_id" in a and _texts(a, ACTION_TEXT)
                                                for a in actions):
        return False
    view = data.get("view")
    if data["type"] in ("view_submission", "view_closed") and view is None:
        return False
    return view is None or (isinstance(view, dict) and isinstance(view.get("type"), str) and _texts(view, VIEW_TEXT)
                            and _state(view.get("state", {})))


def _state(state: Any) -> bool:
    """A modal's `state.values`: block id → action id → the element's value, each an object."""
    if not isinstance(state, dict):
        return False
    values = state.get("values", {})
    return isinstance(values, dict) and all(
        isinstance(block, dict) and all(isinstance(element, dict) for element in block.values())
        for block in values.values())


def _event(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return False
    if "event" in data and not isinstance(data["event"], dict):
        return False  # bolt's self-event check reads body["event"] of every request
    return data["type"] != "event_callback" or isinstance(data.get("event"), dict)
