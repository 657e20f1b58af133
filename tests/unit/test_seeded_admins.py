"""MEMS_ADMINS seeds admins per workspace: `slack:T1:UB1` is an admin of team T1 alone; the two-part `slack:UB1` is
an admin of the platform's one workspace (its first), never of a team that installs the app later."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.context import Context
from bot.settings import SettingsError, load
from domain.people import Platform
from tests.builders import TestBot, settings


def is_admin(bot: TestBot, user: str, workspace: str, platform: Platform = Platform.SLACK) -> bool:
    """`role add` is for admins only: it works or it is refused for the role."""
    reply = bot.container.bus.execute(Context(platform, workspace, user, "C1", user_name=user), "role add @bob manager")
    return not reply.is_error


def test_a_seed_for_one_team_is_not_an_admin_in_another() -> None:
    bot = TestBot(admins="slack:T1:UB1")
    assert is_admin(bot, "UB1", "T1")
    assert not is_admin(bot, "UB1", "T2")


def test_a_seed_for_the_second_team_only() -> None:
    bot = TestBot(admins="slack:T2:UB1")
    assert not is_admin(bot, "UB1", "T1")
    assert is_admin(bot, "UB1", "T2")


def test_the_two_part_form_is_an_admin_of_the_platforms_first_workspace_only() -> None:
    bot = TestBot(admins="slack:UB1,console:alice")
    assert is_admin(bot, "UB1", "T1")
    assert not is_admin(bot, "UB1", "T2")  # a team that came later
    assert is_admin(bot, "alice", "local", Platform.CONSOLE)  # the first console workspace
    assert not is_admin(bot, "alice", "elsewhere", Platform.CONSOLE)


def test_a_single_team_keeps_the_two_part_form() -> None:
    bot = TestBot(admins="slack:UB1")
    assert is_admin(bot, "UB1", "T1") and is_admin(bot, "UB1", "T1")


@pytest.mark.parametrize("value", ["slack", "slack:", "slack:T1:", "slack:T1:U1:x", "teams:U1", "slack::U1"])
def test_a_malformed_seed_stops_start_up(value: str) -> None:
    with pytest.raises(ValidationError, match="platform:workspace:user_id"):
        settings(admins=value)


@pytest.mark.parametrize(("mode", "value", "example"), [
    ({"slack_client_id": "1.2", "slack_client_secret": "s"}, "slack:UB1", "slack:T0123:U0123"),
    ({"feishu_app_type": "store"}, "feishu:ou_li", "feishu:<tenant_key>:ou_..."),
])
def test_where_many_workspaces_install_mems_a_seed_must_name_its_workspace(mode: dict[str, str], value: str,
                                                                           example: str) -> None:
    """The first workspace MEMS hears from may be anyone's (a public install link, a store listing)."""
    with pytest.raises(SettingsError, match=f"MEMS_ADMINS: '{value}' names no workspace") as refused:
        load(admins=value, **mode)
    assert example in str(refused.value) and "MEMS_?" not in str(refused.value)
    platform, user = value.split(":")
    assert load(admins=f"{platform}:T1:{user},console:alice", **mode)  # the workspace named: fine
