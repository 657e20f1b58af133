"""Fixtures for the Slack tests: one stand-in Slack API per module, and a workspace over a SQLite copy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.slack.harness import SlackWorkspace
from tests.standins.slack import SlackStandIn


@pytest.fixture(scope="module")
def standin_server() -> Iterator[SlackStandIn]:
    server = SlackStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def standin(standin_server: SlackStandIn) -> Iterator[SlackStandIn]:
    """The stand-in, afresh; the test fails if the bot sent it Block Kit Slack would refuse."""
    standin_server.reset()
    standin_server.users.clear()
    for user, name in (("UADMIN", "Ada"), ("UMGR", "Mia"), ("UFIN", "Fin"), ("UREQ", "Rex")):
        standin_server.add_user(user, name)
    yield standin_server
    standin_server.check()


@pytest.fixture
def slack(standin: SlackStandIn, sqlite_url: str) -> Iterator[SlackWorkspace]:
    with SlackWorkspace(standin, sqlite_url) as workspace:
        yield workspace
