"""`mems slack-manifest`: a manifest Slack accepts in one paste, naming exactly what MEMS uses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from adapters.slack.manifest import SCOPES
from bot.entry.cli import cli

runner = CliRunner()
ADAPTER = Path(__file__).resolve().parents[2] / "adapters" / "slack"
NEEDS = {"chat_postMessage": "chat:write", "chat_update": "chat:write", "chat_postEphemeral": "chat:write",
         "users_info": "users:read", "views_open": None, "auth_test": None}


def _run(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(cli, ["slack-manifest", *args], env={"MEMS_SLACK_COMMAND": "/mems"})
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_one_request_url_for_commands_interactivity_and_events() -> None:
    found = _run("--url", "https://mems.example.com/")
    url = "https://mems.example.com/slack/events"
    [command] = found["features"]["slash_commands"]
    assert command["command"] == "/mems" and command["url"] == url
    assert command["should_escape"] is True  # mentions arrive as <@U…|name>, channels as <#C…|name>
    assert found["settings"]["interactivity"] == {"is_enabled": True, "request_url": url}
    assert found["settings"]["event_subscriptions"]["request_url"] == url
    assert found["settings"]["event_subscriptions"]["bot_events"] == ["app_mention", "message.im"]
    assert found["oauth_config"]["scopes"]["bot"] == ["app_mentions:read", "chat:write", "commands", "im:history",
                                                      "users:read"]
    assert found["features"]["app_home"]["messages_tab_enabled"] is True  # direct messages with the bot


def test_every_web_api_method_the_adapter_calls_is_covered_by_a_scope() -> None:
    source = "\n".join(p.read_text() for p in ADAPTER.glob("*.py"))
    called = set(re.findall(r"\.(\w+)\(", source)) & set(NEEDS)
    assert called >= {"chat_postMessage", "chat_update", "chat_postEphemeral", "users_info", "views_open"}
    assert {NEEDS[m] for m in called} - {None} <= set(SCOPES)


def test_socket_mode_needs_no_url() -> None:
    found = _run("--socket-mode")
    assert found["settings"]["socket_mode_enabled"] is True
    assert "url" not in found["features"]["slash_commands"][0]
    assert "request_url" not in found["settings"]["interactivity"]


def test_the_command_name_comes_from_the_setting() -> None:
    result = runner.invoke(cli, ["slack-manifest", "--url", "https://h.example", "--yaml"],
                           env={"MEMS_SLACK_COMMAND": "/campaigns"})
    assert result.exit_code == 0
    assert yaml.safe_load(result.output)["features"]["slash_commands"][0]["command"] == "/campaigns"


@pytest.mark.parametrize("args", [["--url", "http://mems.example.com"], ["--url", "mems.example.com"], [],
                                  ["--url", "https://h.example", "--command", "mems"]])
def test_a_url_or_command_slack_would_refuse_is_an_error(args: list[str]) -> None:
    result = runner.invoke(cli, ["slack-manifest", *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_a_distributed_app_gets_the_oauth_redirect_and_the_uninstall_events() -> None:
    found = _run("--url", "https://mems.example.com/", "--distribute", "--token-rotation")
    assert found["oauth_config"]["redirect_urls"] == ["https://mems.example.com/slack/oauth_redirect"]
    assert found["settings"]["event_subscriptions"]["bot_events"] == ["app_mention", "message.im",
                                                                     "app_uninstalled", "tokens_revoked"]
    assert found["settings"]["token_rotation_enabled"] is True
    assert "redirect_urls" not in _run("--url", "https://mems.example.com/")["oauth_config"]


def test_token_rotation_without_oauth_is_refused() -> None:
    result = runner.invoke(cli, ["slack-manifest", "--url", "https://h.example", "--token-rotation"])
    assert result.exit_code == 2 and "--distribute" in result.output
