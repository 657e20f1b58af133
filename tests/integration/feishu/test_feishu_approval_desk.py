"""The approval desk's story on Feishu, in Chinese: a request with a quote attached, copied to two people, returned
from the card's form (what to change), revised from 30,000 to 120,000 (so it gains the admin step), a signer added,
the signer's step handed over from the card's person picker (select_person), an urge, the finance approver away with
a delegate, and approval at last. After every move every copy of the card shows the same state."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.integration.feishu.conftest import Harness
from tests.standins.feishu import Call
from tests.standins.feishu_events import buttons, text_of, value

QUOTE = "https://files.example.com/q/quote-0412.pdf"
PEOPLE = {"周": "ou_zhou", "陈": "ou_chen", "刘": "ou_liu", "吴": "ou_wu", "郑": "ou_zheng", "钱": "ou_qian"}


@pytest.fixture
def team(h: Harness) -> Harness:
    for name, open_id in PEOPLE.items():
        h.feishu.person(name, open_id)
    h.reply_text("李", "@MEMS 新建 “双十一大促” budget=10万")
    for line in ("角色 添加 @王 manager", "角色 添加 @赵 finance", "角色 添加 @周 admin"):
        h.reply_text("李", f"@MEMS {line}")
    h.reply_text("刘", "帮助", chat="oc_p2p_ou_liu", chat_type="p2p")  # 刘 has used MEMS: the picker offers him
    return h


def copies(h: Harness) -> dict[str, dict[str, Any]]:
    """Every copy of A-1's card MEMS sent, as it reads now (its last patch, else as sent)."""
    found = {c.message_id: c.card for c in h.api.find("POST", "/im/v1/messages")
             if not c.path.endswith("/reply") and "预算申请 A-1" in text_of(c.card)}
    for message_id in found:
        patches = h.api.patches_of(message_id)
        if patches:
            found[message_id] = patches[-1].card
    return found


def step(card: dict[str, Any]) -> str:
    match = re.search(r"\*\*审批步骤\*\*：([^\n]+)", text_of(card))
    return match.group(1) if match else ""


def same_everywhere(h: Harness) -> str:
    h.deliver()
    shown = {message_id: step(card) for message_id, card in copies(h).items()}
    assert len(set(shown.values())) == 1, shown
    return next(iter(shown.values()))


def card_of(h: Harness, open_id: str) -> Call:
    return h.api.sent_to(open_id)[-1]


def press(h: Harness, who: str, call: Call, action: str, form_value: dict[str, Any] | None = None) -> dict[str, Any]:
    """Click a button (or a form's submit) on the card as it reads now."""
    current = h.api.patches_of(call.message_id)[-1].card if h.api.patches_of(call.message_id) else call.card
    pressed = next(value(b) for b in buttons(current) if value(b)["action"] == action)
    return h.click(who, call.message_id, pressed, chat=call.chat_id, form_value=form_value)


def test_the_approval_desk_on_feishu(team: Harness) -> None:
    h = team
    h.reply_text("李", f"@MEMS 预算 申请 C-1 3万 “KOL 投放” 附件={QUOTE}")
    assert same_everywhere(h) == "第 1/2 步：经理"
    to_wang = card_of(h, "ou_wang")
    assert [value(b)["action"] for b in buttons(to_wang.card)] == ["approve", "reject", "return", "delegate"]
    assert f"📎 [quote-0412.pdf]({QUOTE})" in text_of(to_wang.card)
    assert "**计划预算**：¥100,000.00" in text_of(to_wang.card)

    h.reply_text("李", "@MEMS 抄送 A-1 @郑 @钱")
    assert same_everywhere(h) == "第 1/2 步：经理"
    assert buttons(card_of(h, "ou_zheng").card) == [] and buttons(card_of(h, "ou_qian").card) == []

    empty = press(h, "王", to_wang, "return", {"reason_return": " "})
    assert empty == {"toast": {"type": "error", "content": "退回前请写明需要修改的内容。"}}
    answer = press(h, "王", to_wang, "return", {"reason_return": "场地费请单列"})
    assert answer["toast"]["type"] == "success" and "已退回" in text_of(answer["card"]["data"])
    assert same_everywhere(h) == "已退回"
    assert "预算 修改 A-1" in text_of(card_of(h, "ou_li").card)

    h.reply_text("李", "@MEMS 预算 修改 A-1 金额=12万 原因=“两周 KOL 与场地”")
    assert same_everywhere(h) == "第 1/3 步：经理（第 2 轮）"
    assert "**超出计划**：¥20,000.00（超出计划 20.0%）" in text_of(card_of(h, "ou_wang").card)

    h.reply_text("王", "批准 A-1 加签=@陈", chat="oc_p2p_ou_wang", chat_type="p2p")
    assert same_everywhere(h) == "第 2/4 步：<at id=ou_chen></at>（加签）（第 2 轮）"
    to_chen = card_of(h, "ou_chen")
    picker = next(e for f in to_chen.card["body"]["elements"] if f["tag"] == "form" for e in f["elements"]
                  if e["tag"] == "select_person")
    assert {"value": "ou_liu"} in picker["options"] and {"value": "ou_li"} not in picker["options"]
    assert press(h, "陈", to_chen, "delegate", {})["toast"]["content"] == "请选择转交给谁。"
    answer = press(h, "陈", to_chen, "delegate", {"person_delegate": "ou_liu"})
    assert answer["toast"]["type"] == "success"
    assert same_everywhere(h) == "第 2/4 步：<at id=ou_chen></at>（加签） → 已转交 <at id=ou_liu></at>（第 2 轮）"

    h.reply_text("李", "@MEMS 催办 A-1")
    h.deliver()
    assert card_of(h, "ou_liu").card["header"]["title"]["content"].startswith("申请人催办：预算申请 A-1")

    h.reply_text("赵", "设置 代理=@吴 直到=+7d", chat="oc_p2p_ou_zhao", chat_type="p2p")
    h.deliver()
    assert "指定你为审批代理人" in text_of(card_of(h, "ou_wu").card)

    press(h, "刘", card_of(h, "ou_liu"), "approve")
    assert same_everywhere(h) == "第 3/4 步：财务（第 2 轮）"
    assert "第 3/4 步" not in "".join(text_of(c.card) for c in h.api.sent_to("ou_zhao"))  # away: 吴 has it
    press(h, "吴", card_of(h, "ou_wu"), "approve")
    assert same_everywhere(h) == "第 4/4 步：管理员（第 2 轮）"
    press(h, "周", card_of(h, "ou_zhou"), "approve")
    assert same_everywhere(h) == "已批准"
    assert all(buttons(card) == [] for card in copies(h).values())

    trail = h.reply_text("李", "@MEMS 查看 A-1")
    for words in ("场地费请单列", "¥30,000.00 → ¥120,000.00", "加签 <at id=ou_chen></at>", "转交给 <at id=ou_liu></at>",
                  "抄送给 <at id=ou_zheng></at>", "催办", "代休假中的 <at id=ou_zhao></at>"):
        assert words in trail, words
