"""What an attacker, or Slack itself, sends that the happy paths do not: odd header bytes, signed but malformed
payloads, Slack's ssl_check probe, retried events. Never a 5xx, never a traceback, nothing written."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

import pytest

from tests.integration.slack.harness import SECRET, TEAM, SlackWorkspace, fixture, form, payload_form, text_of

COMMAND = fixture("slash_command")["raw_body"]
FORM = "application/x-www-form-urlencoded"
WHO = {"user": {"id": "UADMIN", "team_id": TEAM}, "team": {"id": TEAM}}


def _nothing_written(slack: SlackWorkspace) -> None:
    with slack.container.uow_factory() as uow:
        assert list(uow.workspaces.all()) == []
    assert slack.standin.log == [] and slack.standin.hooks == []


def _quiet(caplog: pytest.LogCaptureFixture) -> None:
    """No traceback and at most a line or two per refused request."""
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert len(caplog.records) <= 2, [r.getMessage() for r in caplog.records]


@pytest.mark.parametrize("signature", [b"v0=\xff", b"v0=\xc3\xa9" + b"0" * 62, b"\xff" * 67, b"v0=\x80abc"])
def test_a_signature_with_non_ascii_bytes_is_401(slack: SlackWorkspace, caplog: pytest.LogCaptureFixture,
                                                 signature: bytes) -> None:
    caplog.set_level(logging.DEBUG)
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": str(int(time.time())),
               "X-Slack-Signature": signature}  # type: ignore[dict-item]  # httpx sends bytes as they are
    response = slack.http.post("/slack/events", content=COMMAND, headers=headers)
    slack.idle()
    assert response.status_code == 401
    _nothing_written(slack)
    _quiet(caplog)


@pytest.mark.parametrize("stamp", ["١٧٠٠٠٠٠٠٠٠", "²", "9" * 5000, " 1", "-1", ""])
def test_an_odd_timestamp_is_401(slack: SlackWorkspace, stamp: str) -> None:
    headers = {"X-Slack-Request-Timestamp": stamp.encode()}  # type: ignore[dict-item]  # sent as UTF-8 bytes
    response = slack.post(COMMAND, headers=headers)
    assert response.status_code == 401
    _nothing_written(slack)


def _deep(levels: int) -> Any:
    node: Any = "x"
    for _ in range(levels):
        node = [node]
    return node


MALFORMED: dict[str, dict[str, Any]] = {
    "a click on no action": {"type": "block_actions", **WHO, "actions": []},
    "a click with no actions": {"type": "block_actions", **WHO},
    "a button value that is a number": {"type": "block_actions", **WHO,
                                        "actions": [{"action_id": "approve", "value": 5}]},
    "a button value that is an object": {"type": "block_actions", **WHO,
                                         "actions": [{"action_id": "approve", "value": {"a": "approve"}}]},
    "a block_id that is a list": {"type": "block_actions", **WHO,
                                  "actions": [{"action_id": "approve", "block_id": [], "value": "{}"}]},
    "private_metadata an object": {"type": "view_submission", **WHO, "view": {
        "type": "modal", "id": "V1", "callback_id": "mems_reason", "private_metadata": {"c": "C1"},
        "state": {"values": {}}}},
    "state a list": {"type": "view_submission", **WHO, "view": {
        "type": "modal", "id": "V1", "callback_id": "mems_new", "private_metadata": "", "state": []}},
    "state.values a list": {"type": "view_submission", **WHO, "view": {
        "type": "modal", "id": "V1", "callback_id": "mems_new", "private_metadata": "", "state": {"values": [1]}}},
    "a state value that is text": {"type": "view_submission", **WHO, "view": {
        "type": "modal", "id": "V1", "callback_id": "mems_new", "private_metadata": "",
        "state": {"values": {"name": {"value": "Spring"}}}}},
    "a submission without a view": {"type": "view_submission", **WHO},
    "JSON 40 levels deep": {"type": "block_actions", **WHO, "actions": [{"action_id": "x"}], "x": _deep(40)},
    "a click with event null": {"type": "block_actions", **WHO, "actions": [{"action_id": "x", "value": "{}"}],
                                "event": None},  # bolt reads body["event"] of every request (found by the fuzz test)
    "a click with view null": {"type": "block_actions", **WHO, "actions": [{"action_id": "x", "value": "{}"}],
                               "view": None},  # bolt's unmatched-request log line reads body["view"] (the fuzz test)
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_signed_but_malformed_payload_is_400_at_once(slack: SlackWorkspace, caplog: pytest.LogCaptureFixture,
                                                       case: str) -> None:
    caplog.set_level(logging.INFO)
    started = time.monotonic()
    response = slack.post(payload_form(MALFORMED[case]))
    assert time.monotonic() - started < 1.0
    slack.idle()
    assert response.status_code == 400
    _nothing_written(slack)
    _quiet(caplog)


@pytest.mark.parametrize("levels", [33, 2000, 100_000])
def test_deep_json_events_are_400(slack: SlackWorkspace, levels: int) -> None:
    body = '{"type":"event_callback","event":{"type":"app_mention","x":' + "[" * levels + "]" * levels + "}}"
    response = slack.post(body, content_type="application/json")
    assert response.status_code == 400
    _nothing_written(slack)


def test_a_payload_nested_as_deep_as_slack_nests_is_accepted(slack: SlackWorkspace) -> None:
    payload = fixture("block_actions_message")["payload"]
    payload = {**payload, "response_url": slack.standin.response_url("old"), "x": _deep(20),
               "actions": [{**payload["actions"][0], "action_id": "approve"}]}
    response = slack.post(payload_form(payload))
    slack.idle()
    assert response.status_code == 200


@pytest.mark.parametrize("signed", [True, False])
def test_ssl_check_is_answered_200(slack: SlackWorkspace, signed: bool) -> None:
    body = form({"ssl_check": "1", "token": "legacy"})
    response = slack.post(body) if signed else slack.http.post(
        "/slack/events", content=body, headers={"Content-Type": FORM})
    slack.idle()
    assert response.status_code == 200 and response.text == ""
    _nothing_written(slack)


def test_ssl_check_does_not_open_the_door_to_a_command(slack: SlackWorkspace) -> None:
    body = form({"ssl_check": "1", "command": "/mems", "text": 'new "Spring"', "team_id": TEAM, "user_id": "UADMIN"})
    response = slack.http.post("/slack/events", content=body, headers={"Content-Type": FORM})
    slack.idle()
    assert response.status_code == 401
    _nothing_written(slack)


def _mention(text: str, event_id: str) -> dict[str, Any]:
    event = fixture("event_app_mention")["body"]
    event.update(team_id=TEAM, event_id=event_id)
    event["event"].update(text=f"<@UBOT> {text}", user="UADMIN", team=TEAM, channel="CHOME")
    return event


def test_a_retried_event_whose_first_delivery_never_arrived_is_acted_on(slack: SlackWorkspace) -> None:
    """Slack retries when it saw no 200 in 3 s, also when MEMS was restarting: the retry is the only delivery."""
    body = json.dumps(_mention("help", "Ev-retry-1"))
    response = slack.post(body, content_type="application/json",
                          headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "connection_failed"})
    slack.idle()
    assert response.status_code == 200
    answered = slack.standin.calls("chat.postEphemeral")
    assert len(answered) == 1 and "help" in text_of(answered[0].body).lower()


def test_a_retried_event_that_already_arrived_acts_once(slack: SlackWorkspace) -> None:
    body = json.dumps(_mention("help", "Ev-retry-2"))
    first = slack.post(body, content_type="application/json")
    slack.idle()
    again = slack.post(body, content_type="application/json",
                       headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    slack.idle()
    assert first.status_code == again.status_code == 200
    assert len(slack.standin.calls("chat.postEphemeral")) == 1


def test_a_signed_body_that_is_not_utf8_is_400(slack: SlackWorkspace) -> None:
    body = b"command=%2Fmems&text=\xff\xfe"
    stamp = str(int(time.time()))
    signature = "v0=" + hmac.new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    response = slack.http.post("/slack/events", content=body, headers={
        "Content-Type": FORM, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature})
    assert response.status_code == 400
    _nothing_written(slack)


@pytest.mark.parametrize("content_type", [
    "application/x-www-form-urlencodedXYZ", "application/jsonp", "application/json-seq", "text/plain",
    "application/x-www-form-urlencoded-evil"])
def test_the_content_type_must_match_exactly(slack: SlackWorkspace, content_type: str) -> None:
    body = json.dumps(_mention("help", "Ev-ct")) if "json" in content_type else COMMAND
    response = slack.post(body, content_type=content_type)
    slack.idle()
    assert response.status_code == 400
    _nothing_written(slack)


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON"])
def test_a_content_type_with_parameters_or_capitals_is_still_json(slack: SlackWorkspace, content_type: str) -> None:
    response = slack.post(json.dumps(fixture("url_verification")["body"]), content_type=content_type)
    assert response.status_code == 200
