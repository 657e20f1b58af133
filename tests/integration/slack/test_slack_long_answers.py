"""A long board or timeline reaches the asker whole, as messages Slack accepts: an ephemeral answer is refused
(msg_blocks_too_long) far below 50 blocks, so a 150-task board goes as several messages, each within the limits."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.gateway import Answer
from bot.cards import Card, Section
from bot.context import Context
from domain.people import Platform
from tests.integration.slack.harness import SlackWorkspace, fixture, text_of
from tests.slack_validate import MAX_TOTAL, size
from tests.standins.slack import TEAM, SlackStandIn

TASKS = 150


@pytest.fixture
def crowded(slack: SlackWorkspace) -> SlackWorkspace:
    """A campaign with 150 tasks whose titles need escaping, typed through the bus as Slack users would."""
    slack.command("UADMIN", 'new "Spring & Summer <Launch>" launch=2026-12-20')
    ctx = Context(Platform.SLACK, TEAM, "UADMIN", "CHOME", user_name="ada")
    for n in range(1, TASKS + 1):
        title = f"Post #{n} & reel <{n}> for R&D" if n % 2 else f"第{n}条 小红书 & 抖音 <预热>"
        reply = slack.container.bus.execute(ctx, f'task add C-1 "{title}" <@UMGR> due=2026-12-{n % 28 + 1:02d}')
        assert not reply.is_error, reply.text
    for n in range(1, TASKS + 1, 4):
        assert not slack.container.bus.execute(ctx, f"task done T-{n}").is_error
    slack.standin.reset()
    return slack


def _refs(messages: list[dict[str, Any]]) -> set[int]:
    return {int(n) for m in messages for n in re.findall(r"T-(\d+)\b", text_of(m))}


@pytest.mark.parametrize("view", ["board", "timeline"])
def test_a_150_task_answer_on_the_response_url_comes_in_parts_slack_accepts(crowded: SlackWorkspace,
                                                                          view: str) -> None:
    crowded.command("UMGR", f"{view} C-1")  # the stand-in refuses, and the test fails on, any invalid part
    answers = crowded.answers()
    assert len(answers) > 1 and all(a["response_type"] == "ephemeral" for a in answers)
    assert all(size(a["blocks"]) <= MAX_TOTAL for a in answers)
    assert _refs(answers) == set(range(1, TASKS + 1))
    # typed text is escaped (a word joiner after `<` keeps it from ever reading as markup; it shows nothing)
    assert "Spring &amp; Summer &lt;Launch&gt;" in text_of(answers[0]).replace("\u2060", "")
    assert crowded.standin.calls("chat.postMessage") == [] and crowded.standin.calls("chat.postEphemeral") == []


def test_a_150_task_board_asked_by_mention_comes_as_ephemeral_parts(crowded: SlackWorkspace) -> None:
    event = fixture("event_app_mention")["body"]
    event.update(team_id=TEAM, event_id="Ev150BOARD")
    event["event"].update(text="<@UBOT> board C-1", user="UMGR", team=TEAM, channel="CHOME")
    assert crowded.post(json.dumps(event), content_type="application/json").status_code == 200
    crowded.idle()
    parts = [c.body for c in crowded.standin.calls("chat.postEphemeral")]
    assert len(parts) > 1 and all(p["user"] == "UMGR" and p["thread_ts"] == event["event"]["ts"] for p in parts)
    assert _refs(parts) == set(range(1, TASKS + 1))


def test_an_answer_longer_than_five_messages_goes_on_by_chat_post_ephemeral(standin: SlackStandIn) -> None:
    """Slack takes five answers on a response_url; the rest of a very long answer still reaches the asker."""
    lines = [f"• T-{n} Post & reel <{n}> (<@UMGR>, 2026-12-05 Sat 18:00)" for n in range(1, 801)]
    card = Card(title="Board C-1", sections=(Section("\n".join(lines)),))
    client = AsyncWebClient(token="xoxb-test", base_url=standin.api_url)
    answer = Answer(client, "CHOME", "UMGR", standin.response_url("long"), "en")
    asyncio.run(answer.private(card))
    hooks, ephemeral = standin.hooks, [c.body for c in standin.calls("chat.postEphemeral")]
    assert len(hooks) == 5 and ephemeral and all(e["user"] == "UMGR" for e in ephemeral)
    parts = [h.body for h in hooks] + ephemeral
    assert _refs(parts) == set(range(1, 801))
    assert parts[-1]["text"].endswith(f" · {len(parts)}/{len(parts)}")
