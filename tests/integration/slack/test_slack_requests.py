"""Every inbound request is verified: a forged, stale, empty or malformed one gets 401/400, changes nothing,
calls nothing, and leaves no secret in the logs."""

from __future__ import annotations

import json
import logging
import time

import pytest

from tests.integration.slack.harness import SECRET, TOKEN, SlackWorkspace, fixture, form, payload_form
from tests.standins.slack import SlackStandIn

COMMAND = fixture("slash_command")["raw_body"]


def _nothing_happened(slack: SlackWorkspace) -> None:
    with slack.container.uow_factory() as uow:
        assert list(uow.workspaces.all()) == []
    assert slack.standin.log == [] and slack.standin.hooks == []


@pytest.mark.parametrize(("case", "status"), [
    ("forged signature", 401), ("signed with another secret", 401), ("ten minutes old", 401),
    ("no signature headers", 401), ("timestamp not a number", 401), ("not UTF-8", 401),
    ("empty body", 400), ("plain text body", 400), ("JSON without a type", 400), ("form without a command", 400),
    ("payload that is not JSON", 400),
])
def test_bad_requests_are_refused_and_change_nothing(slack: SlackWorkspace, caplog: pytest.LogCaptureFixture,
                                                     case: str, status: int) -> None:
    caplog.set_level(logging.DEBUG)
    form_type = "application/x-www-form-urlencoded"
    if case == "forged signature":
        response = slack.post(COMMAND, headers={"X-Slack-Signature": "v0=" + "0" * 64})
    elif case == "signed with another secret":
        response = slack.post(COMMAND, secret="not-the-secret")
    elif case == "ten minutes old":
        response = slack.post(COMMAND, ts=int(time.time()) - 600)
    elif case == "no signature headers":
        response = slack.http.post("/slack/events", content=COMMAND, headers={"Content-Type": form_type})
    elif case == "timestamp not a number":
        response = slack.post(COMMAND, headers={"X-Slack-Request-Timestamp": "soon"})
    elif case == "not UTF-8":
        stamp = str(int(time.time()))
        response = slack.http.post("/slack/events", content=b"text=\xff\xfe", headers={
            "Content-Type": form_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + "1" * 64})
    elif case == "empty body":
        response = slack.post("")
    elif case == "plain text body":
        response = slack.post("approve A-1", content_type="text/plain")
    elif case == "JSON without a type":
        response = slack.post(json.dumps({"hello": "world"}), content_type="application/json")
    elif case == "form without a command":
        response = slack.post(form({"text": "list", "team_id": "T111"}))
    else:
        response = slack.post("payload=%7Bnot+json")
    slack.idle()
    assert response.status_code == status
    _nothing_happened(slack)
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert SECRET not in logged and TOKEN not in logged
    assert "verification_token" not in logged  # the legacy token inside the body is not logged either


def test_a_body_over_one_mebibyte_is_refused(slack: SlackWorkspace) -> None:
    response = slack.post("text=" + "x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    _nothing_happened(slack)


def test_url_verification_is_answered(slack: SlackWorkspace) -> None:
    body = json.dumps(fixture("url_verification")["body"])
    response = slack.post(body, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": fixture("url_verification")["body"]["challenge"]}


def test_a_slack_retry_is_answered_without_acting(slack: SlackWorkspace) -> None:
    response = slack.command("UADMIN", 'new "Spring"', headers={"X-Slack-Retry-Num": "1",
                                                                "X-Slack-Retry-Reason": "http_timeout"})
    assert response.status_code == 200
    assert response.headers["x-slack-no-retry"] == "1"
    assert slack.standin.hooks == [] and slack.standin.calls("chat.postMessage") == []
    with slack.container.uow_factory() as uow:
        assert list(uow.workspaces.all()) == []


def test_the_same_command_delivered_twice_runs_once(slack: SlackWorkspace) -> None:
    slack.command("UADMIN", 'new "Spring"', trigger="t-same")
    slack.command("UADMIN", 'new "Spring"', trigger="t-same")
    assert len(slack.posted("CHOME")) == 1
    slack.command("UADMIN", "list all")
    assert "C-2" not in slack.last_answer()


def test_the_endpoint_is_off_without_slack_settings(standin: SlackStandIn, sqlite_url: str) -> None:
    with SlackWorkspace(standin, sqlite_url) as slack:
        assert slack.container.slack is not None
    from fastapi.testclient import TestClient

    from bot.entry import bootstrap
    from bot.entry.web import create_app
    from bot.settings import Settings

    settings = Settings(_env_file=None, database_url=sqlite_url, scheduler="off")  # type: ignore[call-arg]
    container = bootstrap.build(settings)
    with TestClient(create_app(container, run_workers=False)) as http:
        assert http.post("/slack/events", content=COMMAND).status_code == 404
    container.close()


def test_interactivity_payload_from_the_fixture_is_accepted(slack: SlackWorkspace) -> None:
    """A click on a button MEMS did not make (bolt's own fixture) gets a polite 'out of date', not an error."""
    payload = fixture("block_actions_message")["payload"]
    payload = {**payload, "response_url": slack.standin.response_url("old"),
               "actions": [{**payload["actions"][0], "action_id": "approve"}]}
    response = slack.post(payload_form(payload))
    slack.idle()
    assert response.status_code == 200
    assert "out of date" in slack.last_answer()


@pytest.mark.parametrize("body", [
    {"type": "event_callback"}, {"type": "event_callback", "event": "x"}, {"type": "block_actions"},
    {"type": "block_actions", "actions": "x"}, {"type": "block_actions", "actions": [{"action_id": "approve"}]},
    {"type": "block_actions", "actions": [{"action_id": "approve", "value": "{}"}], "user": "x", "team": None},
    {"type": "view_submission", "view": "x"}, {"type": "view_submission", "view": {"callback_id": "mems_new"}},
    {"type": "view_submission", "view": {"callback_id": "mems_reason", "private_metadata": "[]", "state": None}},
    {"type": "shortcut", "callback_id": "x"}, {"type": "nonsense"},
])
def test_odd_but_signed_payloads_never_get_a_5xx(slack: SlackWorkspace, body: dict[str, object]) -> None:
    as_json = body.get("type") == "event_callback"
    response = slack.post(json.dumps(body), content_type="application/json") if as_json else \
        slack.post(payload_form(body))
    slack.idle()
    assert response.status_code < 500
    assert slack.http.get("/healthz").status_code == 200


def test_a_command_with_no_text_or_user_never_gets_a_5xx(slack: SlackWorkspace) -> None:
    response = slack.post(form({"command": "/mems"}))
    slack.idle()
    assert response.status_code < 500
