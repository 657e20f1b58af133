"""No secret in the logs at any level (DEBUG included), and a caller's values in a log line escaped and bounded: a
refused request's X-Request-Id cannot forge a second log line."""

from __future__ import annotations

import json
import logging
import re

import pytest

from tests.integration.feishu.conftest import SECRETS, Harness
from tests.standins.feishu_events import wire


def test_a_feishu_session_at_debug_logs_no_secret(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    h.say("李", "新建 春季", chat="oc_p2p_li", chat_type="p2p")
    h.say("李", "令牌 创建 ci", chat="oc_p2p_li", chat_type="p2p")
    sent = json.dumps([c.body for c in h.api.calls], ensure_ascii=False)
    token = re.search(r"mems_[A-Za-z0-9_\-]{20,}", sent)
    assert token is not None  # the token went to the asker
    logged = caplog.text
    assert caplog.records  # the session was logged (the Open API stand-in is called in process: no HTTP DEBUG lines)
    for secret in (*SECRETS, token.group()):
        assert secret not in logged


@pytest.mark.parametrize("request_id", ["abc\r\nCRITICAL root: forged admin login", "x" * 5000, "\x1b[31mred"])
def test_a_refused_requests_id_is_logged_escaped_and_bounded(h: Harness, caplog: pytest.LogCaptureFixture,
                                                              request_id: str) -> None:
    event = h.feishu.message("李", "@MEMS 新建 测试", "oc_1")
    event["header"]["token"] = "not-the-token"
    body, headers = wire(event)
    response = h.client.post("/feishu/events", content=body, headers={**headers, "X-Request-Id": request_id})
    assert response.status_code == 401
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1
    assert "\n" not in refused[0] and "\r" not in refused[0] and "\x1b" not in refused[0]
    assert len(refused[0]) < 300
