"""Slack OAuth v2 for many teams: two teams install MEMS through bolt's flow against the stand-in's oauth.v2.access;
each gets its own token, workspace, cards and alerts; one uninstalls and its alerts stop (dead, with the reason)
while the other's go on; a rotating token is refreshed before it expires."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.context import Context
from bot.ports import Installation
from domain import commands as c
from domain.people import Platform
from tests.integration.slack.harness import SlackWorkspace, text_of
from tests.standins.slack import SlackStandIn

TEAM_A, TEAM_B = "TAAA", "TBBB"
TOKEN_A, TOKEN_B = "xoxb-team-a-0001", "xoxb-team-b-0002"
OAUTH = {"slack_bot_token": None, "slack_client_id": "111.222", "slack_client_secret": "oauth-client-secret"}


@pytest.fixture
def world(standin: SlackStandIn, engine: Engine) -> Iterator[SlackWorkspace]:
    """One server in OAuth mode (no bot token), no admins seeded: installing makes them."""
    url = engine.url.render_as_string(hide_password=False)
    with SlackWorkspace(standin, url, admins="", **OAUTH) as workspace:
        yield workspace


def install(slack: SlackWorkspace, code: str, team: str, name: str, token: str, installer: str,
            **grant: Any) -> str:
    """The installer opens /slack/install, consents in Slack, and comes back to /slack/oauth_redirect."""
    slack.standin.grant(code, team, name, token, installer, **grant)
    page = slack.http.get("/slack/install")
    assert page.status_code == 200 and "slack.com/oauth/v2/authorize" in page.text
    state = re.search(r"state=([\w\-]+)", page.text)
    assert state is not None
    cookie = {"Cookie": f"slack-app-oauth-state={state.group(1)}"}  # the installer's browser sends it back
    done = slack.http.get("/slack/oauth_redirect", params={"code": code, "state": state.group(1)}, headers=cookie)
    assert done.status_code == 200, done.text
    return done.text


def event(slack: SlackWorkspace, team: str, kind: str, **extra: Any) -> None:
    body = {"token": "x", "team_id": team, "api_app_id": "A111", "type": "event_callback",
            "event_id": f"Ev{kind}{team}", "event_time": 1700000000,
            "event": {"type": kind, "event_ts": "1700000000.000100", **extra}}
    assert slack.post(json.dumps(body), "application/json").status_code == 200
    slack.idle()


def dead(slack: SlackWorkspace) -> list[Any]:
    return list(slack.container.outbox.list_dead())


def test_two_teams_install_each_with_its_own_token_workspace_cards_and_alerts(world: SlackWorkspace) -> None:
    slack = world
    install(slack, "code-a", TEAM_A, "Acme", TOKEN_A, "UADMIN")
    install(slack, "code-b", TEAM_B, "Bolt", TOKEN_B, "UBOSS")
    # The installers hear it from the bot, each with their team's token, and are their workspace's admins.
    assert slack.standin.tokens("chat.postMessage") == [TOKEN_A, TOKEN_B]
    assert "you are its admin" in text_of(slack.posted("UADMIN")[0].body)
    assert "you are its admin" in text_of(slack.posted("UBOSS")[0].body)

    slack.standin.reset()
    slack.command("UREQ", "role add <@UFIN> manager", team=TEAM_A)  # not the installer: not an admin
    assert "admin" in slack.last_answer().lower()
    _stories(slack)
    slack.command("UBOSS", "show C-1", team=TEAM_B, channel="CBOLT")
    assert "not found" in slack.last_answer().lower()  # another team's campaign
    # Commands ran with each team's own token (users.info looked people up in their own team).
    assert set(slack.standin.tokens("users.info")) == {TOKEN_A, TOKEN_B}

    slack.standin.reset()
    slack.deliver()  # the approval cards
    assert [c.headers["authorization"] for c in slack.posted("UMGR")] == [f"Bearer {TOKEN_A}"]
    assert [c.headers["authorization"] for c in slack.posted("UBMGR")] == [f"Bearer {TOKEN_B}"]
    assert "Acme Spring" in text_of(slack.posted("UMGR")[0].body)
    assert "Bolt Launch" in text_of(slack.posted("UBMGR")[0].body)

    slack.standin.reset()
    _overdue(slack)
    acme = [c for c in slack.posted("CACME") if "Book venue" in text_of(c.body)]
    bolt = [c for c in slack.posted("CBOLT") if "Print flyers" in text_of(c.body)]
    assert acme and all(c.headers["authorization"] == f"Bearer {TOKEN_A}" for c in acme)
    assert bolt and all(c.headers["authorization"] == f"Bearer {TOKEN_B}" for c in bolt)


def _stories(slack: SlackWorkspace) -> None:
    """Each team: roles, a campaign in its own channel, a late task, and a budget request for its manager."""
    past = (date.today() - timedelta(days=3)).isoformat()
    for team, admin, people, channel, name, task in (
            (TEAM_A, "UADMIN", ("UMGR", "UFIN", "UREQ"), "CACME", "Acme Spring", "Book venue"),
            (TEAM_B, "UBOSS", ("UBMGR", "UBFIN", "UBREQ"), "CBOLT", "Bolt Launch", "Print flyers")):
        manager, finance, requester = people
        ref = "C-1" if team == TEAM_A else "C-2"
        slack.command(admin, f"role add <@{manager}> manager", team=team, channel=channel)
        slack.command(admin, f"role add <@{finance}> finance", team=team, channel=channel)
        slack.command(requester, f'new "{name}" budget=50k', team=team, channel=channel)
        slack.command(requester, f'task add {ref} "{task}" <@{requester}> due={past}', team=team, channel=channel)
        slack.command(requester, f'budget request {ref} 20000 "KOL fees"', team=team, channel=channel)


def _overdue(slack: SlackWorkspace) -> None:
    """The scheduler's deadline scan, then delivery: each team's overdue alert in its campaign's channel."""
    slack.container.bus.run_system(c.ScanDeadlines(datetime.now(UTC)))
    slack.deliver()


def test_an_uninstalled_team_s_alerts_stop_and_go_dead_while_the_other_s_continue(world: SlackWorkspace) -> None:
    slack = world
    install(slack, "code-a", TEAM_A, "Acme", TOKEN_A, "UADMIN")
    install(slack, "code-b", TEAM_B, "Bolt", TOKEN_B, "UBOSS")
    _stories(slack)
    slack.deliver()

    event(slack, TEAM_B, "app_uninstalled")
    slack.standin.reset()
    _overdue(slack)
    sent = slack.standin.calls("chat.postMessage")
    assert sent and any(c.body["channel"] == "CACME" for c in sent) and slack.posted("CBOLT") == []
    assert set(slack.standin.tokens("chat.postMessage")) == {TOKEN_A}
    gone = dead(slack)
    assert gone and all("app_uninstalled" in (row.last_error or "") for row in gone)
    assert any("Print flyers" in str(row.payload) for row in gone)

    # Its data stays: installing again brings it back, with the same campaign; the first installer stays admin.
    install(slack, "code-b2", TEAM_B, "Bolt", "xoxb-team-b-0003", "UBREQ")
    assert "admins stay" in text_of(slack.posted("UBREQ")[-1].body)
    slack.command("UBREQ", "show C-2", team=TEAM_B, channel="CBOLT")
    assert "Bolt Launch" in slack.last_answer()


def test_tokens_revoked_stops_the_team_too(world: SlackWorkspace) -> None:
    slack = world
    install(slack, "code-a", TEAM_A, "Acme", TOKEN_A, "UADMIN")
    _stories(slack)
    event(slack, TEAM_A, "tokens_revoked", tokens={"oauth": ["UADMIN"]})  # a user token: the bot goes on
    event(slack, TEAM_A, "tokens_revoked", tokens={"oauth": [], "bot": ["UBOTTAAA"]})
    slack.standin.reset()
    _overdue(slack)
    assert slack.posted("CACME") == [] and slack.posted("UMGR") == []
    assert dead(slack) and all("tokens_revoked" in (row.last_error or "") for row in dead(slack))


def test_a_rotating_token_is_refreshed_before_it_expires(world: SlackWorkspace, engine: Engine) -> None:
    slack = world
    install(slack, "code-a", TEAM_A, "Acme", TOKEN_A, "UADMIN", refresh_token="xoxe-1-r1", expires_in=43200)
    runtime = slack.container.slack  # the app's own store: the tokens are sealed with the app's key
    assert runtime is not None and runtime.installations is not None
    store = runtime.installations
    found = store.find(Platform.SLACK, TEAM_A)
    assert found is not None and found.refresh_token == "xoxe-1-r1"
    soon = datetime.now(UTC) + timedelta(minutes=30)  # within the two hours before expiry: rotate now
    store.save(Installation(**{**_fields(found), "expires_at": soon}))
    slack.standin.grant("xoxe-1-r1", TEAM_A, "Acme", "xoxb-team-a-rotated", "UADMIN",
                        refresh_token="xoxe-1-r2", expires_in=43200)
    slack.container.bus.handle(Context(Platform.SLACK, TEAM_A, "UADMIN"), c.Help())  # the workspace exists
    _stories(slack)
    slack.standin.reset()
    slack.standin.grant("xoxe-1-r1", TEAM_A, "Acme", "xoxb-team-a-rotated", "UADMIN",
                        refresh_token="xoxe-1-r2", expires_in=43200)
    slack.deliver()
    assert slack.standin.tokens("chat.postMessage")
    assert set(slack.standin.tokens("chat.postMessage")) == {"xoxb-team-a-rotated"}
    rotated = store.find(Platform.SLACK, TEAM_A)
    assert rotated is not None and rotated.refresh_token == "xoxe-1-r2" and rotated.installer == "UADMIN"
    assert rotated.expires_at is not None and rotated.expires_at > soon + timedelta(hours=1)


def _fields(found: Installation) -> dict[str, Any]:
    return {name: getattr(found, name) for name in Installation.__slots__}  # type: ignore[attr-defined]


def test_single_token_mode_has_no_install_pages(slack: SlackWorkspace) -> None:
    assert slack.http.get("/slack/install").status_code == 404
    slack.command("UADMIN", "help")
    assert slack.standin.tokens("users.info") == ["xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"]


def test_an_unknown_state_installs_nothing(world: SlackWorkspace) -> None:
    slack = world
    slack.standin.grant("code-x", TEAM_A, "Acme", TOKEN_A, "UADMIN")
    forged = slack.http.get("/slack/oauth_redirect", params={"code": "code-x", "state": "forged"},
                            headers={"Cookie": "slack-app-oauth-state=forged"})
    assert forged.status_code in (400, 401)  # bolt's invalid_state page
    assert slack.standin.calls("oauth.v2.access") == []
    assert asyncio.run(_find(slack, TEAM_A)) is None


async def _find(slack: SlackWorkspace, team: str) -> Installation | None:
    runtime = slack.container.slack
    assert runtime is not None and runtime.installations is not None
    return runtime.installations.find(Platform.SLACK, team)
