"""The slash command runs the command language: public cards to the channel, the rest to the asker alone,
in the asker's language and time zone, and a sentence that says how to fix what a Slack admin can fix."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from adapters.slack import render
from bot.actions import Action, ActionId
from bot.cards import Button, Card
from tests.integration.slack.harness import SECRET, TOKEN, SlackWorkspace, buttons, fixture, text_of
from tests.standins.slack import TEAM


def test_a_new_campaign_is_announced_in_its_channel(slack: SlackWorkspace) -> None:
    slack.command("UADMIN", 'new "Spring Launch 2027" budget=50k launch=2027-03-01')
    [post] = slack.posted("CHOME")
    shown = text_of(post.body)
    assert "C-1" in shown and "Spring Launch 2027" in shown
    assert post.headers["authorization"].startswith("Bearer xoxb-")
    assert slack.standin.hooks == []  # a public card is not also sent privately


def test_a_mistake_is_explained_to_the_asker_only(slack: SlackWorkspace) -> None:
    slack.command("UADMIN", "task add C-99 Book venue")
    answer = slack.answers()[-1]
    assert answer["response_type"] == "ephemeral"
    assert "C-99" in slack.last_answer() and "not found" in slack.last_answer().lower()
    assert slack.standin.calls("chat.postMessage") == []


def test_mentions_in_both_forms_name_slack_users(slack: SlackWorkspace) -> None:
    slack.command("UADMIN", 'new "Spring"')
    slack.command("UADMIN", 'task add C-1 "Book venue" <@UMGR|mia> due=+10d')
    slack.command("UADMIN", "task assign T-1 <@UFIN>")
    cards = [text_of(c.body) for c in slack.posted("CHOME")]
    assert "<@UMGR>" in cards[1] and "<@UFIN>" in cards[2]
    assert "Book venue" in cards[1]
    assert buttons(slack.posted("CHOME")[1].body) == ["task_start", "task_done"]


def test_the_askers_language_and_time_zone_come_from_users_info_once(slack: SlackWorkspace) -> None:
    slack.standin.add_user("UZH", "李娜", tz="Europe/Berlin", locale="zh-CN")
    slack.command("UZH", "帮助")
    slack.command("UZH", "list")
    assert "预算" in slack.answers()[0]["text"] + text_of(slack.answers()[0])
    assert len(slack.standin.calls("users.info")) == 1  # cached
    with slack.container.uow_factory() as uow:
        workspace = uow.workspaces.by_key(slack.container.slack.gateway.platform, TEAM)  # type: ignore[union-attr]
        assert workspace is not None and workspace.id is not None
        member = uow.members.get(workspace.id, "UZH")
    assert member is not None
    assert member.lang == "zh" and member.display_name == "李娜" and member.timezone == "Europe/Berlin"


def test_a_failed_user_lookup_does_not_stop_the_command(slack: SlackWorkspace) -> None:
    slack.standin.fail("users.info", error="missing_scope", needed="users:read")
    slack.command("UNEW", "help")
    assert "budget request" in slack.last_answer()


def test_bot_not_in_channel_tells_the_asker_how_to_fix_it(slack: SlackWorkspace) -> None:
    slack.standin.fail("chat.postMessage", error="not_in_channel")
    slack.command("UADMIN", 'new "Spring"', channel="CPRIVATE")
    answer = slack.last_answer()
    assert "C-1" in answer  # the campaign exists; the asker sees its card
    assert "/invite @MEMS" in answer and "<#CPRIVATE>" in answer


def test_a_missing_scope_names_the_scope(slack: SlackWorkspace) -> None:
    slack.standin.fail("chat.postMessage", error="missing_scope", needed="chat:write")
    slack.command("UADMIN", 'new "Spring"')
    assert "chat:write" in slack.last_answer() and "reinstall" in slack.last_answer()


def test_a_revoked_token_says_to_reinstall(slack: SlackWorkspace) -> None:
    slack.standin.fail("chat.postMessage", error="token_revoked")
    slack.command("UADMIN", 'new "Spring"')
    assert "MEMS_SLACK_BOT_TOKEN" in slack.last_answer()


def test_another_team_sees_not_found(slack: SlackWorkspace) -> None:
    slack.command("UADMIN", 'new "Zephyr"')
    slack.command("UOTHER", "show C-1", team="T222")
    assert "not found" in slack.last_answer().lower()
    slack.command("UOTHER", "list all", team="T222")
    assert "Zephyr" not in slack.last_answer()


def test_an_app_mention_runs_the_command_once(slack: SlackWorkspace) -> None:
    slack.command("UADMIN", 'new "Spring"')
    event = fixture("event_app_mention")["body"]
    event["team_id"] = TEAM
    event["event"].update(text="<@UBOT> show C-1", user="UADMIN", team=TEAM, channel="CHOME")
    for _ in range(2):  # Slack may deliver an event twice
        response = slack.post(json.dumps(event), content_type="application/json")
        slack.idle()
        assert response.status_code == 200
    ephemeral = slack.standin.calls("chat.postEphemeral")
    assert len(ephemeral) == 1
    assert "Spring" in text_of(ephemeral[0].body)
    assert ephemeral[0].body["user"] == "UADMIN" and ephemeral[0].body["thread_ts"] == event["event"]["ts"]


def test_chinese_command_and_amounts(slack: SlackWorkspace) -> None:
    slack.command("UADMIN", '新建 "双十一大促" budget=30万 start=2026-11-01 end=2026-11-11')
    shown = text_of(slack.posted("CHOME")[0].body)
    assert "双十一大促" in shown and "300,000.00" in shown


def test_a_rate_limited_answer_is_retried_once(slack: SlackWorkspace) -> None:
    slack.standin.fail("chat.postMessage", status=429, error="ratelimited", headers={"Retry-After": "0"})
    slack.command("UADMIN", 'new "Spring"')
    assert len(slack.posted("CHOME")) == 2  # refused, then delivered
    assert slack.standin.hooks == []


def test_no_secret_reaches_the_logs_even_at_debug(slack: SlackWorkspace, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    slack.command("UADMIN", 'new "Spring"')
    slack.command("UADMIN", "show C-99")
    assert caplog.records  # slack-sdk and bolt did log at debug
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert TOKEN not in logged and SECRET not in logged


def test_a_show_button_answers_apart_and_leaves_the_card(slack: SlackWorkspace) -> None:

    slack.command("UADMIN", 'new "Spring"')
    digest = Card(title="Digest", buttons=(Button("Show", Action(ActionId.SHOW, "C-1")),))
    alert = render.message(digest, nonce="digest")
    slack.click("UMGR", alert, "CHOME", "1700000000.000999", "show")
    answer = slack.answers()[-1]
    assert answer["replace_original"] is False and answer["response_type"] == "ephemeral"
    assert "Spring" in text_of(answer)


def test_a_token_slack_refuses_from_the_start_says_how_to_fix_it(slack: SlackWorkspace) -> None:
    slack.standin.fail("auth.test", error="token_revoked")
    response = slack.command("UADMIN", "help")
    assert response.status_code == 200
    assert "reinstalls the app" in response.text and "MEMS_SLACK_BOT_TOKEN" in response.text
    assert slack.standin.hooks == []


def direct_message(text: str, event_id: str, **event: Any) -> str:
    """message.im as Slack sends it for a message in the bot's direct chat (its Messages tab)."""
    body = fixture("event_app_mention")["body"]
    body |= {"team_id": TEAM, "event_id": event_id}
    body["event"] = {"type": "message", "channel_type": "im", "channel": "DADMIN", "user": "UADMIN", "text": text,
                     "team": TEAM, "ts": "1764950000.000100", "event_ts": "1764950000.000100", **event}
    return json.dumps(body)


def test_a_command_in_the_bots_direct_messages_is_answered_there_once(slack: SlackWorkspace) -> None:
    slack.command("UADMIN", 'new "Spring"')
    for _ in range(2):  # Slack may deliver an event twice
        assert slack.post(direct_message("show C-1", "EvDM1"), content_type="application/json").status_code == 200
        slack.idle()
    answers = [c for c in slack.standin.calls("chat.postMessage") if c.body.get("channel") == "DADMIN"]
    assert len(answers) == 1 and "Spring" in text_of(answers[0].body)
    assert not answers[0].body.get("thread_ts")  # a direct chat is answered in the chat itself


@pytest.mark.parametrize("event", [{"bot_id": "BBOT", "user": "UBOT"}, {"subtype": "message_changed"},
                                   {"subtype": "message_deleted"}, {"channel_type": "channel", "channel": "CHOME"}],
                         ids=["a-bot", "an-edit", "a-deletion", "a-channel-message"])
def test_bot_messages_edits_and_channel_messages_are_not_commands(slack: SlackWorkspace,
                                                                  event: dict[str, Any]) -> None:
    before = len(slack.standin.calls("chat.postMessage")) + len(slack.standin.calls("chat.postEphemeral"))
    assert slack.post(direct_message("help", "EvDM2", **event), content_type="application/json").status_code == 200
    slack.idle()
    assert len(slack.standin.calls("chat.postMessage")) + len(slack.standin.calls("chat.postEphemeral")) == before
