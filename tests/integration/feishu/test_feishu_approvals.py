"""The whole approval story from Feishu, in Chinese, across three people: 李 (admin, requester), 王 (manager) and
赵 (finance). Cards go to approvers and the home group, clicks answer with a toast and the updated card, and every
other copy is patched in place."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from tests.integration.feishu.conftest import HOME, Harness
from tests.standins.feishu import Call
from tests.standins.feishu_events import buttons, text_of, value


@pytest.fixture
def database(engine: Engine) -> str:
    """These run on SQLite and, when configured, on PostgreSQL (the `engine` fixture's databases)."""
    return engine.url.render_as_string(hide_password=False)

def button(call: Call, action: str) -> dict[str, Any]:
    return next(value(b) for b in buttons(call.card) if value(b)["action"] == action)


def only(calls: list[Call]) -> Call:
    assert len(calls) == 1, calls
    return calls[0]


def last_patch(h: Harness, message_id: str) -> dict[str, Any]:
    patches = h.api.patches_of(message_id)
    assert patches, f"{message_id} was never updated"
    return patches[-1].card


def test_a_budget_request_walks_from_manager_to_finance_and_is_rejected_with_a_typed_reason(h: Harness) -> None:
    created = h.reply_text("李", "@MEMS 新建 “双十一大促” budget=30万 start=2026-11-01 end=2026-11-11")
    assert "已创建 C-1 双十一大促" in created
    assert "“经理”" in h.reply_text("李", "@MEMS 角色 添加 @王 manager")
    assert "“财务”" in h.reply_text("李", "@MEMS 角色 添加 @赵 finance")
    opened = h.reply_text("李", "@MEMS 预算 申请 C-1 5万 “KOL 投放”")
    assert "已发起 预算申请 A-1：¥50,000.00" in opened and "<at id=ou_wang></at>" in opened

    h.deliver()
    to_wang = only(h.api.sent_to("ou_wang"))
    assert to_wang.query == {"receive_id_type": "open_id"}
    assert "第 1/2 步：经理" in text_of(to_wang.card) and len(buttons(to_wang.card)) == 4
    summary = only(h.api.sent_to(HOME))
    assert summary.query == {"receive_id_type": "chat_id"} and buttons(summary.card) == []
    assert h.api.sent_to("ou_zhao") == []  # finance waits for its step

    # 王 approves on his card: the answer carries the updated card, step 2 of 2, without buttons
    answer = h.click("王", to_wang.message_id, button(to_wang, "approve"), chat=to_wang.chat_id)
    assert answer["toast"]["type"] == "success"
    assert "第 2/2 步：财务" in text_of(answer["card"]["data"]) and buttons(answer["card"]["data"]) == []

    h.deliver()
    for copy in (to_wang, summary):  # every copy changes in place
        assert "第 2/2 步：财务" in text_of(last_patch(h, copy.message_id))
        assert buttons(last_patch(h, copy.message_id)) == []
    to_zhao = only(h.api.sent_to("ou_zhao"))  # the next step's approver gets hers
    assert "第 2/2 步：财务" in text_of(to_zhao.card) and len(buttons(to_zhao.card)) == 4
    told = only(h.api.sent_to("ou_li"))  # the requester hears of the decision
    assert "<at id=ou_wang></at>" in text_of(told.card) and "批准" in text_of(told.card)

    # 赵 submits the reject form empty: an error toast, and nothing changes
    reject = button(to_zhao, "reject")
    patches_before = len(h.api.find("PATCH"))
    answer = h.click("赵", to_zhao.message_id, reject, chat=to_zhao.chat_id, form_value={"reason": "  "})
    assert answer == {"toast": {"type": "error", "content": "驳回前请填写原因。"}}
    assert h.deliver() == 0 and len(h.api.find("PATCH")) == patches_before

    # 赵 types a reason into the card's form and rejects
    answer = h.click("赵", to_zhao.message_id, reject, chat=to_zhao.chat_id, form_value={"reason": "超出季度预算"})
    assert answer["toast"]["type"] == "success"
    assert "已驳回" in text_of(answer["card"]["data"]) and "超出季度预算" in text_of(answer["card"]["data"])

    h.deliver()
    for copy in (to_wang, summary, to_zhao):
        card = last_patch(h, copy.message_id)
        assert "（已驳回）" in text_of(card) and "“超出季度预算”" in text_of(card) and buttons(card) == []
    assert len(h.api.sent_to("ou_li")) == 2  # told of the rejection too

    trail = h.reply_text("李", "@MEMS 查看 A-1")
    assert "已驳回" in trail and "超出季度预算" in trail and "<at id=ou_zhao></at>" in trail
    assert "¥0.00" in h.reply_text("李", "@MEMS 预算 C-1")  # rejected money never reached the budget


def test_approving_by_message_in_a_p2p_chat_and_the_budget_grows(h: Harness) -> None:
    h.reply_text("李", "@MEMS 新建 “年货节” budget=2万")
    h.reply_text("李", "@MEMS 角色 添加 @王 manager")
    h.reply_text("李", "@MEMS 预算 申请 C-1 8000 海报")
    approved = h.reply_text("王", "批准 A-1 同意，注意控制节奏", chat="oc_p2p_ou_wang", chat_type="p2p")
    assert "（已批准）" in approved and "同意，注意控制节奏" in approved
    reply = only(h.api.replies_to(h.api.find("POST", "/reply")[-1].path.split("/")[-2]))
    assert reply.body is not None and reply.body["reply_in_thread"] is False  # a p2p chat has no threads
    assert "¥8,000.00" in h.reply_text("李", "@MEMS 预算 C-1")


def test_a_task_card_starts_and_finishes_from_its_buttons(h: Harness) -> None:
    h.reply_text("李", "@MEMS 新建 “双十一大促”")
    h.reply_text("李", "@MEMS 任务 添加 C-1 “订场地” @王 due=+10d")
    h.deliver()
    card = h.say("王", "@MEMS 查看 T-1")[0]
    actions = [value(b)["action"] for b in buttons(card.card)]
    assert actions == ["task_start", "task_done"]

    started = h.click("王", card.message_id, button(card, "task_start"))
    assert "进行中" in text_of(started["card"]["data"])
    assert [value(b)["action"] for b in buttons(started["card"]["data"])] == ["task_done"]
    done = h.click("王", card.message_id, button(card, "task_done"))
    assert done["toast"]["type"] == "success" and buttons(done["card"]["data"]) == []
