"""Slack keeps a block's state by its block_id, so every message and every update of one gets block_ids of its own;
buttons still work, since MEMS routes a click by its action_id and value, never by the block_id."""

from __future__ import annotations

from typing import Any

from tests.integration.slack.harness import SlackWorkspace, buttons, text_of


def _block_ids(message: dict[str, Any]) -> set[str]:
    return {b["block_id"] for b in message["blocks"] if "block_id" in b}


def test_each_message_and_each_replacement_has_its_own_block_ids(slack: SlackWorkspace) -> None:
    slack.command("UADMIN", 'new "Spring"')
    slack.command("UADMIN", 'task add C-1 "Book venue" <@UMGR> due=+10d')
    slack.command("UADMIN", 'task add C-1 "Print flyers" <@UMGR> due=+12d')
    first, second = (p.body for p in slack.posted("CHOME")[1:3])
    assert buttons(first) == buttons(second) == ["task_start", "task_done"]
    assert _block_ids(first) and _block_ids(first).isdisjoint(_block_ids(second))

    post = slack.posted("CHOME")[1]
    slack.click("UMGR", first, "CHOME", post.response["ts"], "task_start")
    [replacement] = slack.answers()[-1:]
    assert replacement["replace_original"] is True and "T-1" in text_of(replacement)
    assert buttons(replacement) == ["task_done"]  # the click routed: the task started
    assert _block_ids(replacement) and _block_ids(replacement).isdisjoint(_block_ids(first))


def test_the_same_answer_twice_gets_fresh_block_ids(slack: SlackWorkspace) -> None:
    slack.command("UADMIN", 'new "Spring"')
    slack.command("UADMIN", 'task add C-1 "Book venue" <@UADMIN> due=+10d')
    slack.command("UADMIN", "show T-1")
    slack.command("UADMIN", "show T-1")
    one, two = slack.answers()[-2:]
    assert buttons(one) == buttons(two) and buttons(one)
    assert _block_ids(one).isdisjoint(_block_ids(two))
