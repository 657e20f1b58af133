"""Two servers behind one Request URL share the database and Redis: a click that reaches both, or a retried
click, is acted on once."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.integration.slack.harness import SlackWorkspace, payload_form, text_of
from tests.standins.slack import SlackStandIn


def _pending_card(slack: SlackWorkspace, team: str) -> tuple[dict[str, Any], str, str]:
    slack.command("UADMIN", "role add <@UMGR> manager", team=team)
    slack.command("UADMIN", 'new "Spring" budget=50k', team=team)
    slack.command("UADMIN", "budget request C-1 5000 fees", team=team)
    slack.deliver()
    post = slack.posted("UMGR")[-1]
    return post.body, post.response["channel"], post.response["ts"]


@pytest.mark.redis
def test_a_click_reaching_two_servers_decides_once(standin: SlackStandIn, engine: Engine, redis_url: str) -> None:
    team = f"T{uuid.uuid4().hex[:10].upper()}"  # fresh de-duplication keys for every run
    url = engine.url.render_as_string(hide_password=False)
    with SlackWorkspace(standin, url, redis_url=redis_url) as one, \
            SlackWorkspace(standin, url, redis_url=redis_url) as two:
        card, channel, ts = _pending_card(one, team)
        standin.reset()
        one.click("UMGR", card, channel, ts, "approve", team=team)
        two.click("UMGR", card, channel, ts, "approve", team=team)
        first, second = one.answers()
        assert first["replace_original"] is True
        assert "Already handled" in text_of(second)
        with one.container.uow_factory() as uow:
            request = uow.approvals.get(1, None)
            assert request is not None and len(request.decisions) == 1


def test_a_retried_click_is_not_acted_on_again(slack: SlackWorkspace) -> None:
    card, channel, ts = _pending_card(slack, "T111")
    slack.standin.reset()
    slack.click("UMGR", card, channel, ts, "approve")
    assert slack.standin.hooks[0].body["replace_original"] is True
    # Slack re-sends the very same request with X-Slack-Retry-Num when it thinks it timed out.
    button = next(e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"])
    retry = {"type": "block_actions", "user": {"id": "UMGR", "team_id": "T111"}, "team": {"id": "T111"},
             "channel": {"id": channel}, "trigger_id": "retry", "response_url": slack.standin.response_url("retry"),
             "container": {"type": "message", "message_ts": ts, "channel_id": channel},
             "actions": [{"action_id": "approve", "value": button["value"], "type": "button"}]}
    retried = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    response = slack.post(payload_form(retry), headers=retried)
    slack.idle()
    assert response.status_code == 200 and response.headers["x-slack-no-retry"] == "1"
    assert len(slack.standin.hooks) == 1
    with slack.container.uow_factory() as uow:
        request = uow.approvals.get(1, None)
        assert request is not None and len(request.decisions) == 1
