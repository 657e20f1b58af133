"""Property: whatever arrives at /slack/events, signed or not, MEMS answers below 500, with no traceback and no
secret in the logs. Headers and bodies come from hypothesis: raw bytes, any JSON, forms, and real commands, clicks,
modal submissions and events with fields replaced by values of any type, most of them correctly signed so that
they get past the signature to the parsing behind it."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.slack.harness import SECRET, TOKEN, SlackWorkspace, fixture

HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=40)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                                 max_size=4), max_leaves=12)
KEYS = ["type", "user", "team", "channel", "container", "actions", "action_id", "value", "block_id", "view",
        "state", "values", "private_metadata", "callback_id", "event", "event_id", "text", "message", "id"]


def mangled(base: dict[str, Any], draw: Any) -> dict[str, Any]:
    """A real payload with a few of its fields (at any depth) replaced by any JSON value, or dropped."""
    found = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 3))):
        node: Any = found
        path = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3))
        for key in path[:-1]:
            child = node.get(key) if isinstance(node, dict) else None
            if isinstance(child, list) and child:
                child = child[0]
            if not isinstance(child, dict):
                break
            node = child
        if isinstance(node, dict):
            if draw(st.booleans()):
                node[path[-1]] = draw(JSON)
            else:
                node.pop(path[-1], None)
    return found


@st.composite
def requests(draw: Any) -> tuple[bytes, dict[str, bytes]]:
    kind = draw(st.sampled_from(["bytes", "json", "form", "command", "click", "modal", "event"]))
    content_type = "application/x-www-form-urlencoded"
    if kind == "bytes":
        body = draw(st.binary(max_size=200))
    elif kind == "json":
        body, content_type = json.dumps(draw(JSON)).encode(), "application/json"
    elif kind == "form":
        body = urlencode(draw(st.dictionaries(st.sampled_from(["command", "text", "payload", "ssl_check", "team_id",
                                                                "user_id"]), st.text(max_size=20)))).encode()
    elif kind == "command":
        fields = dict(fixture("slash_command")["fields"], text=draw(st.text(max_size=40)))
        body = urlencode(fields).encode()
    elif kind == "event":
        body, content_type = json.dumps(mangled(fixture("event_app_mention")["body"], draw)).encode(), \
            "application/json"
    else:
        base = fixture("block_actions_message" if kind == "click" else "view_submission")["payload"]
        body = ("payload=" + quote(json.dumps(mangled(base, draw)))).encode()
    headers = {"Content-Type": draw(st.sampled_from([content_type, content_type + "; charset=utf-8", "text/plain",
                                                     content_type + "x"])).encode()}
    stamp = str(int(time.time())) if draw(st.integers(0, 3)) > 0 else draw(HEADER_TEXT)
    headers["X-Slack-Request-Timestamp"] = stamp.encode("latin-1")
    if draw(st.integers(0, 3)) > 0:
        digest = hmac.new(SECRET.encode(), b"v0:" + stamp.encode("latin-1") + b":" + body, hashlib.sha256)
        headers["X-Slack-Signature"] = ("v0=" + digest.hexdigest()).encode()
    else:
        headers["X-Slack-Signature"] = draw(HEADER_TEXT).encode("latin-1")
    for name in draw(st.lists(st.sampled_from(["X-Slack-Retry-Num", "X-Request-Id", "Content-Type"]), max_size=2)):
        headers[name] = draw(HEADER_TEXT).encode("latin-1")
    return body, headers


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=requests())
def test_no_request_gets_a_5xx_or_a_traceback(slack: SlackWorkspace, caplog: pytest.LogCaptureFixture,
                                              request: tuple[bytes, dict[str, bytes]]) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    body, headers = request
    response = slack.http.post("/slack/events", content=body, headers=headers)  # type: ignore[arg-type]
    assert slack.container.offload.wait_idle(10)
    assert response.status_code < 500, (response.status_code, response.text)
    logged = caplog.text + response.text
    assert "Traceback" not in logged and not [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]
    assert SECRET not in logged and TOKEN not in logged
