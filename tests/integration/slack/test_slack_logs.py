"""No secret in the logs at any level, DEBUG included: slack_sdk logs each response_url it posts to and the body
(a new API token in it) at DEBUG; MEMS's log records are cleaned as they are made (bot/redaction.py)."""

from __future__ import annotations

import logging

import pytest

from tests.integration.slack.harness import SECRET, TOKEN, SlackWorkspace


def test_a_slack_session_at_debug_logs_no_secret(slack: SlackWorkspace, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    slack.command("UADMIN", 'new "Spring"')
    slack.command("UADMIN", "token create ci")
    token = next(word for word in slack.last_answer().split() if word.startswith("mems_"))
    slack.command("UADMIN", "dashboard")
    link = next(word for word in slack.last_answer().split() if "/login/" in word).split("/login/")[1][:20]
    slack.command("UADMIN", "show C-1")
    logged = caplog.text
    assert "slack_sdk" in logged and "Sending a request" in logged  # DEBUG is on: the requests were logged
    for secret in (SECRET, TOKEN, token, link, "/hooks/"):  # signing secret, bot and API tokens, sign-in, response_urls
        assert secret not in logged
