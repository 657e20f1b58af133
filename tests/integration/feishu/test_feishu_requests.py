"""POST /feishu/events checks every request: the challenge, the verification token, the signature, a replay window,
bodies that do not decrypt. A refused request changes nothing, sends nothing and logs no secret."""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.entry import bootstrap
from bot.entry.web import create_app
from tests.builders import settings as make_settings
from tests.integration.feishu.conftest import SECRETS, Harness
from tests.standins.feishu_events import ENCRYPT_KEY, encrypt, fixture, wire


def workspaces(h: Harness) -> int:
    with h.container.uow_factory() as uow:
        return len(uow.workspaces.all())


def challenge(token: str) -> dict[str, Any]:
    return fixture("url_verification") | {"token": token}


def test_the_url_verification_challenge_is_answered(h: Harness) -> None:
    body, headers = wire(challenge(h.feishu.token), signed=False)  # the handshake carries no signature
    response = h.client.post("/feishu/events", content=body, headers=headers)
    assert response.status_code == 200 and response.json() == {"challenge": "ajls384kdjx98XX"}


def test_a_challenge_with_the_wrong_token_is_refused(h: Harness) -> None:
    body, headers = wire(challenge("guessed"), signed=False)
    assert h.client.post("/feishu/events", content=body, headers=headers).status_code == 401


def refused(h: Harness, body: bytes, headers: dict[str, str], status: int, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    before = workspaces(h)
    response = h.client.post("/feishu/events", content=body, headers=headers)
    h.settle()
    assert response.status_code == status, response.text
    assert workspaces(h) == before and h.api.message_calls() == []  # nothing changed, nothing sent
    logged = caplog.text + response.text
    assert not any(secret in logged for secret in SECRETS)
    assert "Traceback" not in caplog.text  # one warning line, not lark's stack trace


def test_a_wrong_verification_token_is_401(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    event = h.feishu.message("李", "@MEMS 新建 测试", "oc_1")
    event["header"]["token"] = "not-the-token"
    refused(h, *wire(event), 401, caplog)


def test_a_bad_signature_is_401(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    refused(h, *wire(h.feishu.message("李", "@MEMS 新建 测试", "oc_1"), sign_with="other-key"), 401,
            caplog)


def test_a_body_changed_after_signing_is_401(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    _, headers = wire(h.feishu.message("李", "@MEMS 新建 测试", "oc_1"))
    other, _ = wire(h.feishu.message("李", "@MEMS 新建 另一个", "oc_1"))
    refused(h, other, headers, 401, caplog)


def test_missing_signature_headers_are_401(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    refused(h, *wire(h.feishu.message("李", "@MEMS 新建 测试", "oc_1"), signed=False), 401, caplog)


@pytest.mark.parametrize("skew", [-310, 310, -86400])  # past the 300 s window with room for a slow machine
def test_a_stale_or_future_timestamp_is_401(h: Harness, caplog: pytest.LogCaptureFixture, skew: int) -> None:
    event = h.feishu.message("李", "@MEMS 新建 测试", "oc_1")
    refused(h, *wire(event, timestamp=time.time() + skew), 401, caplog)


def test_a_timestamp_inside_the_window_is_accepted(h: Harness) -> None:
    event = h.feishu.message("李", "@MEMS 帮助", "oc_1")
    assert h.post(event, timestamp=time.time() - 250).status_code == 200


def test_a_replayed_request_is_acted_on_once(h: Harness) -> None:
    body, headers = wire(h.feishu.message("李", "@MEMS 新建 测试", "oc_1"))
    for _ in range(3):
        assert h.client.post("/feishu/events", content=body, headers=headers).status_code == 200
    h.settle()
    assert len(h.api.find("POST", "/reply")) == 1


@pytest.mark.parametrize("body", [
    encrypt(b'{"schema":"2.0"}', key="some-other-key"),  # encrypted with another key
    json.dumps({"encrypt": "not base64 !!"}).encode(),
    json.dumps({"encrypt": base64.b64encode(b"0123456789abcdef").decode()}).encode(),  # too short to hold data
    encrypt(b"not json at all"),
    b"",
    b"{not json",
    b"[1, 2, 3]",
], ids=["other-key", "not-base64", "too-short", "plaintext-not-json", "empty", "broken-json", "json-array"])
def test_a_body_that_does_not_decrypt_or_parse_is_400(h: Harness, caplog: pytest.LogCaptureFixture,
                                                     body: bytes) -> None:
    ts, nonce = str(int(time.time())), "n0nce"
    from tests.standins.feishu_events import signature

    headers = {"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
               "X-Lark-Signature": signature(ts, nonce, body), "Content-Type": "application/json"}
    refused(h, body, headers, 400, caplog)


def test_a_huge_body_is_413(h: Harness) -> None:
    response = h.client.post("/feishu/events", content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413


def test_an_event_we_did_not_subscribe_to_is_acknowledged_and_ignored(h: Harness) -> None:
    event = h.feishu.message("李", "@MEMS 新建 测试", "oc_1")
    event["header"]["event_type"] = "im.chat.member.bot.added_v1"
    assert h.post(event).status_code == 200
    h.settle()
    assert workspaces(h) == 0 and h.api.message_calls() == []


def test_the_endpoint_is_off_without_the_feishu_settings(database: str) -> None:
    container = bootstrap.build(make_settings(database_url=database))
    try:
        with TestClient(create_app(container, run_workers=False)) as client:
            assert client.post("/feishu/events", content=b"{}").status_code == 404
    finally:
        container.close()


def test_a_refusal_never_stops_the_next_request(h: Harness) -> None:
    event = h.feishu.message("李", "@MEMS 帮助", "oc_1")
    assert h.post(event, sign_with="other").status_code == 401
    assert h.post(event).status_code == 200
    h.settle()
    assert len(h.api.find("POST", "/reply")) == 1


def test_the_encrypt_key_itself_is_never_echoed(h: Harness) -> None:
    response = h.post(h.feishu.message("李", "@MEMS 帮助", "oc_1"), sign_with="x")
    assert ENCRYPT_KEY not in response.text


def test_a_legacy_card_callback_is_refused_not_crashed(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    # The old "message card request URL" format (no envelope, its own token): MEMS serves card.action.trigger only.
    refused(h, *wire(fixture("card_action_legacy_v1")), 401, caplog)


def test_a_click_is_answered_in_the_shape_feishu_documents(h: Harness) -> None:
    h.reply_text("李", "@MEMS 新建 “双十一大促”")
    h.reply_text("李", "@MEMS 任务 添加 C-1 订场地")
    card = h.say("李", "@MEMS 查看 T-1")[0]
    answer = h.click("李", card.message_id, {"action": "task_start", "ref": "T-1", "command": "task start T-1"})
    documented = fixture("card_action_trigger_response")
    assert set(answer) == set(documented) and set(answer["toast"]) <= set(documented["toast"])
    assert answer["card"]["type"] == documented["card"]["type"] == "raw"
    assert answer["card"]["data"]["schema"] == documented["card"]["data"]["schema"] == "2.0"


def signed(body: bytes) -> tuple[bytes, dict[str, str]]:
    from tests.standins.feishu_events import signature

    ts, nonce = str(int(time.time())), "n0nce"
    return body, {"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
                  "X-Lark-Signature": signature(ts, nonce, body), "Content-Type": "application/json"}


@pytest.mark.parametrize("body", [
    b"null",
    encrypt(b"null"),
    encrypt(b'"url_verification"'),
    encrypt(b"[1, 2, 3]"),
    encrypt(b"42"),
    encrypt(b"true"),
], ids=["null", "encrypted-null", "encrypted-string", "encrypted-array", "encrypted-number", "encrypted-true"])
def test_a_signed_body_that_is_not_a_json_object_is_400_not_acknowledged(h: Harness, caplog: pytest.LogCaptureFixture,
                                                                       body: bytes) -> None:
    refused(h, *signed(body), 400, caplog)


@pytest.mark.parametrize("text", ['a"b', 'x","evil":"1', "back\\slash", "line\nbreak", "中文 </script>"])
def test_the_challenge_is_echoed_as_json(h: Harness, text: str) -> None:
    body, headers = wire(challenge(h.feishu.token) | {"challenge": text}, signed=False)
    response = h.client.post("/feishu/events", content=body, headers=headers)
    assert response.status_code == 200 and response.json() == {"challenge": text}
    assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("value", [None, 42, {"a": 1}, ["x"]], ids=["null", "number", "object", "array"])
def test_a_challenge_that_is_not_a_string_is_400(h: Harness, value: Any) -> None:
    body, headers = wire(challenge(h.feishu.token) | {"challenge": value}, signed=False)
    assert h.client.post("/feishu/events", content=body, headers=headers).status_code == 400


def _put(event: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    *parents, last = path.split(".")
    node = event
    for key in parents:
        node = node[key]
    node[last] = value
    return event


@pytest.mark.parametrize(("path", "value"), [
    ("header.tenant_key", {"a": 1}), ("header.tenant_key", ["t"]), ("header.tenant_key", "t" * 129),
    ("header.event_id", {"id": 1}), ("event.sender.sender_id.open_id", {"x": 1}),
    ("event.sender.sender_id.open_id", "ou_\x00x"), ("event.message.chat_id", 5),
    ("event.message.content", {"text": 1}),
    ("event.message.mentions", [{"key": "@_user_1", "id": {"open_id": ["ou_x"]}, "name": "x"}]),
    ("event.sender", "someone")])
def test_a_signed_message_with_a_field_of_the_wrong_form_is_400_naming_it(
        h: Harness, caplog: pytest.LogCaptureFixture, path: str, value: Any) -> None:
    event = _put(h.feishu.message("李", "@MEMS 新建 测试", "oc_1"), path, value)
    refused(h, *wire(event), 400, caplog)
    assert path.rsplit(".", 1)[0] in caplog.text


@pytest.mark.parametrize(("path", "value"), [("header.tenant_key", {"a": 1}), ("event.operator.open_id", 7),
                                             ("event.context.open_message_id", {"m": 1})])
def test_a_signed_click_with_a_field_of_the_wrong_form_is_400(h: Harness, caplog: pytest.LogCaptureFixture, path: str,
                                                              value: Any) -> None:
    event = _put(h.feishu.click("李", "om_1", {"action": "show", "ref": "C-1"}, "oc_1"), path, value)
    refused(h, *wire(event), 400, caplog)
