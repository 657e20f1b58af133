"""Cancelling a campaign from Feishu with a request waiting: the bot asks first (Confirm / Keep on the card), the
click cancels it, the approver's card changes in place to "withdrawn: campaign cancelled", and the approver's later
`批准 A-1` is told the request went with the campaign."""

from __future__ import annotations

from typing import Any

from tests.integration.feishu.conftest import Harness
from tests.standins.feishu import Call
from tests.standins.feishu_events import buttons, text_of, value


def button(call: Call, action: str) -> dict[str, Any]:
    return next(value(b) for b in buttons(call.card) if value(b)["action"] == action)


def test_cancel_asks_then_withdraws_the_request_and_a_later_approval_is_refused(h: Harness) -> None:
    h.reply_text("李", "@MEMS 新建 年货节 budget=10万")
    h.reply_text("李", "@MEMS 角色 添加 @王 manager")
    h.reply_text("李", "@MEMS 角色 添加 @赵 finance")
    h.reply_text("李", "@MEMS 预算 申请 C-1 5万 KOL投放")
    h.deliver()
    [to_wang] = h.api.sent_to("ou_wang")

    [question] = h.say("李", "@MEMS 取消 C-1")
    asked = text_of(question.card)
    assert "取消 C-1 年货节？还有未完成的工作" in asked and "A-1 ¥50,000.00" in asked
    assert [value(b)["action"] for b in buttons(question.card)] == ["cancel_confirm", "keep"]

    answer = h.click("李", question.message_id, button(question, "cancel_confirm"))
    assert "已取消" in text_of(answer["card"]["data"]) and "已随活动一并撤回：A-1" in text_of(answer["card"]["data"])
    h.deliver()
    patched = h.api.patches_of(to_wang.message_id)
    assert patched and "已撤回：活动已取消" in text_of(patched[-1].card)
    assert buttons(patched[-1].card) == []

    refused = h.reply_text("王", "批准 A-1", chat="oc_p2p_ou_wang", chat_type="p2p")
    assert "A-1 已在 C-1 已取消时" in refused and "无法再审批" in refused
