"""Is this request from Slack, and shaped as Slack sends it? Its v0 signature over the exact bytes, at most five
minutes old, then a slash command form, an interactivity form or an Events API object. Checked before bolt sees a
request, so nothing unverified reaches bolt, bolt never trips over a malformed body, and nothing secret is logged."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"
# Parts of an interactivity payload that must be objects when present (bolt reads into them unguarded).
OBJECTS = ("user", "container", "channel", "message", "state")


def refused(verifier: SignatureVerifier, headers: Mapping[str, str], body: bytes) -> tuple[int, str] | None:
    """Why the request is refused (HTTP status, error), or None when Slack signed it and it is well formed."""
    if not signed(verifier, body, headers.get("x-slack-request-timestamp", ""), headers.get("x-slack-signature", "")):
        return 401, "invalid request"
    if not well_formed(headers.get("content-type", ""), body):
        return 400, "bad request"
    return None


def signed(verifier: SignatureVerifier, body: bytes, timestamp: str, signature: str) -> bool:
    """Slack's v0 signature over the exact bytes, at most five minutes old; a malformed header is just invalid."""
    if not timestamp.isdigit() or not signature:
        return False
    try:
        return verifier.is_valid(body, timestamp, signature)
    except ValueError:  # a body that is not UTF-8
        return False


def well_formed(content_type: str, body: bytes) -> bool:
    """A slash command form, an interactivity form, or an Events API object, shaped as Slack sends them;
    anything else is a bad request, answered before bolt trips over it."""
    try:
        text = body.decode("utf-8")
        if content_type.startswith(FORM):
            fields = parse_qs(text, strict_parsing=True)
            if "payload" in fields:
                return _interaction(json.loads(fields["payload"][0]))
            return "command" in fields
        if content_type.startswith("application/json"):
            return _event(json.loads(text))
    except ValueError:
        return False
    return False


def _interaction(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return False
    if any(key in data and not isinstance(data[key], dict) for key in OBJECTS):
        return False
    if data.get("team") is not None and not isinstance(data["team"], dict):
        return False
    actions = data.get("actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, dict) and isinstance(a.get("action_id", ""), str)
                                                and "action_id" in a for a in actions):
        return False
    view = data.get("view")
    return view is None or (isinstance(view, dict) and isinstance(view.get("type"), str)
                            and isinstance(view.get("callback_id", ""), str))


def _event(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return False
    return data["type"] != "event_callback" or isinstance(data.get("event"), dict)
