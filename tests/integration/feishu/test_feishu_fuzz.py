"""Property: whatever arrives at /feishu/events (events and card callbacks share it), with or without the
secrets, MEMS answers below 500 and logs no traceback and no secret. Headers and bodies come from hypothesis: raw
bytes, any JSON, the `encrypt` envelope, and real events and clicks with fields of the wrong type, some of them
correctly signed so that they get past the signature to the parsing behind it."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.integration.feishu.conftest import SECRETS, Harness
from tests.standins.feishu_events import encrypt, fixture, signature

HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=40)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                                 max_size=4), max_leaves=12)


def mangled(base: dict[str, Any], draw: Any) -> dict[str, Any]:
    """A real payload with a few of its fields (at any depth) replaced by any JSON value, or dropped."""
    event = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 3))):
        node: Any = event
        path = draw(st.lists(st.sampled_from(["header", "event", "message", "sender", "sender_id", "operator",
                                              "action", "value", "context", "content", "mentions", "token",
                                              "tenant_key", "event_type", "chat_type", "open_id", "challenge",
                                              "type", "schema"]), min_size=1, max_size=3))
        for key in path[:-1]:
            if not isinstance(node, dict) or not isinstance(node.get(key), dict):
                break
            node = node[key]
        if isinstance(node, dict):
            if draw(st.booleans()):
                node[path[-1]] = draw(JSON)
            else:
                node.pop(path[-1], None)
    return event


@st.composite
def requests(draw: Any) -> tuple[bytes, dict[str, str]]:
    kind = draw(st.sampled_from(["bytes", "json", "envelope", "event", "click", "challenge"]))
    if kind == "bytes":
        body = draw(st.binary(max_size=200))
    elif kind == "json":
        body = json.dumps(draw(JSON)).encode()
    elif kind == "envelope":
        body = json.dumps({"encrypt": draw(JSON)}).encode()
    else:
        base = {"event": fixture("im_message_receive_v1"), "click": fixture("card_action_trigger_button"),
                "challenge": fixture("url_verification")}[kind]
        base = json.loads(json.dumps(base).replace("xxxxxx", "verification-token-never-logged"))
        event = mangled(base, draw)
        if kind == "challenge":
            event["challenge"] = draw(st.text(max_size=20) | JSON)
        plain = json.dumps(event, ensure_ascii=False).encode()
        body = encrypt(plain) if draw(st.booleans()) else plain
    headers = {"Content-Type": draw(st.sampled_from(["application/json", "text/plain", "application/json; x"]))}
    # mostly a fresh time and a right signature, so that most examples reach the parsing behind the checks
    fresh = draw(st.integers(0, 3)) > 0
    ts = str(int(time.time())) if fresh else draw(HEADER_TEXT)
    nonce = draw(HEADER_TEXT)
    if draw(st.integers(0, 3)) > 0:
        headers |= {"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce}
        headers["X-Lark-Signature"] = signature(ts, nonce, body) if draw(st.integers(0, 3)) > 0 else draw(HEADER_TEXT)
    for name in draw(st.lists(st.sampled_from(["X-Request-Id", "X-Lark-Signature", "X-Lark-Request-Timestamp",
                                               "Content-Type"]), max_size=2)):
        headers[name] = draw(HEADER_TEXT)
    return body, headers


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=requests())
def test_no_request_gets_a_5xx_or_a_traceback(h: Harness, caplog: pytest.LogCaptureFixture,
                                              request: tuple[bytes, dict[str, str]]) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    body, headers = request
    raw = {name: value.encode("latin-1") for name, value in headers.items()}  # as sent on the wire: any byte
    response = h.client.post("/feishu/events", content=body, headers=raw)
    h.settle()
    assert response.status_code < 500, (response.status_code, response.text)
    event(f"HTTP {response.status_code}")  # --hypothesis-show-statistics: how many got past the checks
    answer = response.json()  # every answer is a JSON object (a challenge echo too, whatever it holds)
    assert isinstance(answer, dict) and (response.status_code == 200 or answer.keys() == {"error"})
    logged = caplog.text + response.text
    assert "Traceback" not in logged
    assert not any(secret in logged for secret in SECRETS)
