"""Campaigns through the real bus and handlers, on the in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.builders import TestBot


@pytest.fixture
def bot() -> TestBot:
    return TestBot()


def campaigns(bot: TestBot) -> dict:
    return bot.store.table("campaigns")


def test_template_tasks_are_dated_backwards_from_launch_at_six_pm_local(bot: TestBot) -> None:
    bot.ok("olive", 'new "Spring Launch 2027" budget=50k launch=2027-03-01 template=product-launch kpi.roi=3')
    tasks = sorted(bot.store.table("tasks").values(), key=lambda t: t.id)
    assert [t.title for t in tasks[:2]] == ["Guest list", "Invitation design"]
    assert tasks[0].due == datetime(2027, 2, 3, 10, 0, tzinfo=UTC)  # 18:00 in Asia/Shanghai
    assert max(t.due for t in tasks) == datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
    assert all(t.assignee == "olive" and t.from_template for t in tasks)
    campaign = campaigns(bot)[1]
    assert campaign.home_channel == "local" and campaign.owner == "olive"
    assert str(campaign.kpis["roi"]) == "3"


def test_created_card_lists_the_tasks_with_their_dates(bot: TestBot) -> None:
    text = bot.text("olive", 'new "Launch" launch=2027-03-01 template=product-launch')
    assert "Created C-1 Launch" in text
    assert "T-1  2027-02-03 Wed 18:00  Guest list" in text
    assert "¥" in text


def test_chinese_workspace_gets_chinese_task_titles() -> None:
    bot = TestBot(lang="zh")
    text = bot.text("olive", '新建 "双十一大促" budget=30万 start=2026-11-01 end=2026-11-11 template=holiday-promo')
    assert "已创建 C-1 双十一大促" in text and "确定优惠与定价方案" in text and "¥300,000.00" in text


@pytest.mark.parametrize("text, message", [
    ("new X template=product-launch", "dates its tasks from launch="),
    ("new X template=nope launch=+30d", "There is no template 'nope'"),
    ("new X budget=$5000", "counts money in CNY, not USD"),
    ("new X start=2026-12-10 end=2026-12-01", "is before the start"),
])
def test_a_refused_campaign_is_not_half_written(bot: TestBot, text: str, message: str) -> None:
    reply = bot.say("olive", text)
    assert reply.is_error and message in reply.text
    assert not campaigns(bot) and not bot.store.table("tasks")


def test_owner_option_makes_someone_else_owner(bot: TestBot) -> None:
    bot.ok("olive", "new Summit owner=@li")
    assert campaigns(bot)[1].owner == "li"


def test_lifecycle_follows_the_allowed_transitions(bot: TestBot) -> None:
    bot.ok("olive", "new Plain")
    assert bot.ok("olive", "start C-1").public
    bot.ok("olive", "pause C-1")
    bot.ok("olive", "start C-1")
    bot.ok("olive", "complete C-1")
    refused = bot.say("olive", "start C-1")
    assert refused.is_error and "C-1 is completed" in refused.text and "Allowed now: reopen" in refused.text


def test_refused_transition_names_the_allowed_ones(bot: TestBot) -> None:
    bot.ok("olive", "new Plain")
    reply = bot.say("olive", "complete C-1")
    assert reply.is_error and "Allowed now: start, cancel" in reply.text


def test_start_needs_an_approved_budget_when_there_is_a_budget(bot: TestBot) -> None:
    bot.ok("olive", "new Budgeted budget=10k")
    reply = bot.say("olive", "start C-1")
    assert reply.is_error and "budget request C-1" in reply.text
    assert campaigns(bot)[1].status.value == "planning"


@pytest.mark.parametrize("who, allowed", [("olive", True), ("mike", False), ("alice", True), ("bob", True)])
def test_only_owner_manager_or_admin_run_a_campaign(bot: TestBot, who: str, allowed: bool) -> None:
    bot.ok("alice", "role add @bob manager")
    bot.ok("olive", "new Plain")
    reply = bot.say(who, "start C-1")
    assert reply.is_error is not allowed
    if not allowed:
        assert "only owner, manager, admin may" in reply.text


def test_move_shifts_open_template_tasks_only(bot: TestBot) -> None:
    bot.ok("olive", "new Launch launch=2027-03-01 template=product-launch")
    bot.ok("olive", "task add C-1 Extra due=2027-02-20")
    bot.ok("olive", "task done T-1")
    before = {t.id: t.due for t in bot.store.table("tasks").values()}
    text = bot.text("olive", "move C-1 launch=2027-03-08")
    after = {t.id: t.due for t in bot.store.table("tasks").values()}
    assert after[1] == before[1]  # done
    assert after[9] == before[9]  # added by hand
    assert all((after[i] - before[i]).days == 7 for i in range(2, 9))
    assert "re-dated" in text and "T-2" in text and "T-1 " not in text
    assert str(campaigns(bot)[1].launch) == "2027-03-08"


def test_workspaces_are_kept_apart(bot: TestBot) -> None:
    bot.ok("olive", "new Secret")
    other = bot.say("eve", "show C-1", workspace="other")
    assert other.is_error and other.text == "C-1 was not found."
    assert "No campaigns yet" in bot.text("eve", "list all", workspace="other")
    assert bot.say("eve", "start C-1", workspace="other").text == "C-1 was not found."


def test_list_scopes(bot: TestBot) -> None:
    bot.ok("olive", "new One")
    bot.ok("li", "new Two")
    bot.ok("li", "cancel C-2")
    assert "C-2" not in bot.text("olive", "list")
    assert "C-2" in bot.text("olive", "list all")
    mine = bot.text("li", "list mine")
    assert "C-2" in mine and "C-1" not in mine
