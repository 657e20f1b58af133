"""Socket Mode: with MEMS_SLACK_APP_TOKEN the server dials Slack (no public URL), takes the same slash command
over the socket, acknowledges it, and answers exactly as over HTTP."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from adapters.slack import routes
from tests.integration.slack.harness import TOKEN, SlackWorkspace, fixture
from tests.standins.slack import SlackStandIn, wait_for


def test_a_slash_command_over_the_socket(standin: SlackStandIn, sqlite_url: str, tmp_path: Path) -> None:
    fields = dict(fixture("slash_command")["fields"])
    fields.update(command="/mems", text='new "Socket Launch"', user_id="UADMIN", channel_id="CHOME",
                  response_url=standin.response_url("socket"), trigger_id="sock-1")
    standin.envelopes.append({"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
                              "payload": fields})
    with SlackWorkspace(standin, sqlite_url, slack_signing_secret=None, slack_app_token="xapp-1-A111-1-abc") as slack:
        assert wait_for(lambda: any(a.get("envelope_id") == "env-1" for a in standin.acks), timeout=10)
        assert wait_for(lambda: slack.posted("CHOME"), timeout=10)
        assert "Socket Launch" in str(slack.posted("CHOME")[0].body)
        [opened] = standin.calls("apps.connections.open")
        assert opened.headers["authorization"] == "Bearer xapp-1-A111-1-abc"  # the app token opens the socket
        assert slack.posted("CHOME")[0].headers["authorization"] == f"Bearer {TOKEN}"  # the bot token posts
        scrape = slack.http.get("/metrics").text  # the acknowledgement over the socket is timed, as HTTP's is
        assert 'mems_ack_seconds_count{platform="slack",transport="socket"} 1.0' in scrape
        # Without a signing secret there is no HTTP endpoint to forge requests against.
        assert slack.http.post("/slack/events", content="x").status_code == 404


def test_two_processes_on_one_database_open_one_socket_and_it_moves_when_the_first_stops(
        standin: SlackStandIn, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routes, "SOCKET_LEASE_EVERY", 0.2)  # the lease tried every 0.2 s instead of 10 s
    socket = {"slack_signing_secret": None, "slack_app_token": "xapp-1-A111-1-abc"}

    def opened() -> int:
        return len(standin.calls("apps.connections.open"))

    first: SlackWorkspace | None = SlackWorkspace(standin, sqlite_url, **socket).__enter__()
    second = None
    try:
        assert wait_for(lambda: opened() == 1, timeout=10)  # the first holds the lease
        second = SlackWorkspace(standin, sqlite_url, **socket).__enter__()
        time.sleep(1.0)  # the second has tried the lease a few times
        assert opened() == 1  # one Socket Mode connection for both processes
        stopping, first = first, None
        stopping.__exit__(None, None, None)  # the holder stops and gives the lease back...
        assert wait_for(lambda: opened() == 2, timeout=10)  # ...and the other one connects
    finally:
        for running in (first, second):
            if running is not None:
                running.__exit__(None, None, None)
