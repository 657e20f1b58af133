"""A secret asked for in a Feishu group (a new API token, the dashboard's sign-in link) goes to the asker alone, in
their direct chat with the bot; the group is told only that it went there."""

from __future__ import annotations

import pytest

from tests.integration.feishu.conftest import Harness, card_json
from tests.standins.feishu import Call
from tests.standins.feishu_events import text_of


def sends(h: Harness) -> list[Call]:
    """New messages (not replies in a thread)."""
    return [c for c in h.api.calls if c.method == "POST" and c.path == "/open-apis/im/v1/messages"]


def group_and_private(h: Harness, text: str) -> tuple[str, str]:
    """What the group thread showed, and what the asker (李, ou_li) got in a direct message."""
    event = h.feishu.message("李", text, "oc_home_group")
    assert h.post(event).status_code == 200
    h.settle()
    group = "\n".join(card_json(c) for c in h.api.replies_to(event["event"]["message"]["message_id"]))
    private = "\n".join(card_json(c) for c in h.api.sent_to("ou_li") if c.response.get("code") == 0)
    return group, private


@pytest.mark.parametrize(("command", "secret"), [("@MEMS 令牌 创建 ci", "mems_"), ("@MEMS 仪表盘", "/login/")],
                         ids=["token-create", "dashboard-link"])
def test_a_secret_asked_for_in_a_group_goes_to_the_asker_alone(h: Harness, command: str, secret: str) -> None:
    group, private = group_and_private(h, command)
    assert secret in private  # the asker has it
    assert secret not in group and "仅你可见" in group  # the group only hears where it went
    assert [c.query.get("receive_id_type") for c in sends(h)] == ["open_id"]


def test_in_a_direct_chat_the_token_is_the_answer_itself(h: Harness) -> None:
    event = h.feishu.message("李", "令牌 创建 ci", "oc_p2p_li", chat_type="p2p")
    assert h.post(event).status_code == 200
    h.settle()
    replies = h.api.replies_to(event["event"]["message"]["message_id"])
    assert replies and "mems_" in text_of(replies[0].card)
    assert sends(h) == []


def test_when_the_direct_message_fails_the_secret_is_shown_nowhere(h: Harness) -> None:
    h.api.fail_next("POST", "/open-apis/im/v1/messages", 400,
                    {"code": 230013, "msg": "Bot has NO availability to this user."}, receive_id="ou_li")
    group, private = group_and_private(h, "@MEMS 令牌 创建 ci")
    assert "mems_" not in group and "mems_" not in private
    assert "无法私聊发送给你" in group
