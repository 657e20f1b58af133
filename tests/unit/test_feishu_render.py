"""Card → Feishu card JSON 2.0: snapshots of real cards against golden JSON, and the rules every card keeps.

After a deliberate change, regenerate the goldens and review the diff:
    MEMS_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_feishu_render.py"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from adapters.feishu.render import MAX_BYTES, callback_response, markdown, render, shortest
from bot.actions import Action, ActionId
from bot.cards import Button, Card, Chart, Field, Section, Style, Tone
from tests.builders import TestBot
from tests.standins.feishu_events import buttons, value

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "feishu"
UPDATE = os.environ.get("MEMS_UPDATE_GOLDEN") == "1"


def assert_golden(name: str, data: dict[str, Any]) -> None:
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert path.exists(), f"no golden {path.name}; create it with MEMS_UPDATE_GOLDEN=1"
    assert data == json.loads(path.read_text(encoding="utf-8")), f"{name} differs from its golden JSON"


@pytest.fixture(scope="module")
def story() -> TestBot:
    """A campaign with template tasks and a budget request waiting for the manager, all in Chinese."""
    bot = TestBot(admins="console:ou_li", lang="zh")
    bot.ok("ou_li", '新建 "双十一大促" budget=30万 template=holiday-promo launch=2026-12-12')
    bot.ok("ou_li", "角色 添加 @ou_wang manager")
    bot.ok("ou_li", "角色 添加 @ou_zhao finance")
    bot.ok("ou_li", "预算 申请 C-1 5万 KOL投放")
    bot.deliver()
    return bot


def approver_card(bot: TestBot) -> Card:
    return next(card for target, card, _ in bot.gateway.sent if target.ref == "ou_wang")


def test_the_approval_card_an_approver_gets(story: TestBot) -> None:
    assert_golden("approval_pending_zh", render(approver_card(story), "zh"))


def test_a_rejected_request_shows_the_outcome_and_no_buttons() -> None:
    bot = TestBot(admins="console:ou_li", lang="zh")
    bot.ok("ou_li", '新建 "双十一大促" budget=30万')
    bot.ok("ou_li", "角色 添加 @ou_wang manager")
    bot.ok("ou_li", "预算 申请 C-1 5000 海报印刷")
    reply = bot.ok("ou_wang", "驳回 A-1 预算超标")
    assert_golden("approval_rejected_zh", render(reply.card, "zh"))


def test_a_task_card_carries_start_and_done(story: TestBot) -> None:
    card = story.ok("ou_li", "查看 T-1").card
    out = render(card, "zh")
    assert [value(b)["action"] for b in buttons(out)] == [ActionId.TASK_START, ActionId.TASK_DONE]
    assert_golden("task_zh", out)


def test_a_board_and_a_timeline(story: TestBot) -> None:
    assert_golden("board_zh", render(story.ok("ou_li", "看板 C-1").card, "zh"))
    timeline = render(story.ok("ou_li", "时间线 C-1").card, "zh")
    assert timeline["body"]["elements"][0]["content"].startswith("```\n")  # columns stay aligned in a code block
    assert_golden("timeline_zh", timeline)


def test_an_error_is_a_red_message_without_header(story: TestBot) -> None:
    out = render(story.say("ou_li", "查看 C-99").card, "zh")
    assert "header" not in out and out["body"]["elements"][0]["content"].startswith("<font color='red'>")
    assert_golden("error_zh", out)


def test_an_english_reader_gets_an_english_form(story: TestBot) -> None:
    out = render(approver_card(story), "en")
    form = next(e for e in out["body"]["elements"] if e["tag"] == "form")
    assert form["elements"][0]["placeholder"]["content"] == "Reason for rejecting"


def test_every_card_is_json_2_with_update_multi(story: TestBot) -> None:
    out = render(approver_card(story))
    assert out["schema"] == "2.0" and out["config"] == {"update_multi": True}
    assert "action" not in json.dumps([e["tag"] for e in out["body"]["elements"]])  # 2.0 has no action module
    assert out["header"]["template"] == "orange"  # pending is a warning


def test_reject_and_return_are_forms_with_an_input_and_delegate_a_person_picker(story: TestBot) -> None:
    out = render(approver_card(story))
    approve, reject, back, delegate = buttons(out)
    assert value(approve) == {"action": "approve", "ref": "A-1", "stage": "1.1.0"}
    assert value(reject) == {"action": "reject", "ref": "A-1", "stage": "1.1.0"}
    forms = [e for e in out["body"]["elements"] if e["tag"] == "form"]
    assert [f["name"] for f in forms] == ["form_reject_A_1", "form_return_A_1", "form_delegate_A_1"]
    reason, submit = forms[0]["elements"]
    assert reason == {"tag": "input", "name": "reason_reject", "required": True, "max_length": 500,
                      "placeholder": {"tag": "plain_text", "content": "驳回原因"}}
    assert submit == reject and submit["form_action_type"] == "submit" and submit["type"] == "danger"
    assert submit["name"] == "submit_reject_A_1"
    change, submit = forms[1]["elements"]
    assert change["name"] == "reason_return" and "退回申请人" in change["placeholder"]["content"]
    assert submit == back
    person, submit = forms[2]["elements"]
    assert person["tag"] == "select_person" and person["name"] == "person_delegate" and person["required"] is True
    assert {"value": "ou_zhao"} in person["options"] and {"value": "ou_li"} not in person["options"]  # the requester
    assert submit == delegate
    names = [e.get("name") for f in forms for e in f["elements"]] + [f["name"] for f in forms]
    assert len(names) == len(set(names))  # Feishu wants every component name unique within the card


def test_mentions_become_at_tags_and_markup_is_escaped() -> None:
    card = Card(title="<@ou_x> 的 *活动*", tone=Tone.INFO,
                fields=(Field("负责人", "<@ou_x|李娜>"), Field("名称", "**双11** [草稿] _v2_ `code` #1 a<b>c")),
                sections=(Section("<@ou_y> 请看 ~~这里~~"), Section("T-1 <@ou_z>\n```x```", mono=True)),
                footer="by <@ou_x>")
    assert_golden("escaping", render(card, "zh"))
    assert markdown("<@ou_x|李娜> *a*") == "<at id=ou_x></at> &#42;a&#42;"


CHART_CARD = Card(title="报告", buttons=(Button("确认", Action(ActionId.ACK, "anomaly:C-1:2026-12-01"),
                                                  Style.PRIMARY), Button("稍后", Action(ActionId.SNOOZE, "x"))),
                  chart=Chart("每日花费与转化", ("12-01", "12-02"), (("花费", (100.0, 250.5)), ("转化", (3.0, 1.0)))))


def test_an_uploaded_chart_is_an_image_with_alt_text_before_the_buttons() -> None:
    out = render(CHART_CARD, "zh", image_key="img_v3_chart")
    image, row = out["body"]["elements"]
    assert [b["type"] for b in buttons(out)] == ["primary_filled", "default"] and row["tag"] == "column_set"
    assert image == {"tag": "img", "img_key": "img_v3_chart", "scale_type": "fit_horizontal",
                     "alt": {"tag": "plain_text", "content": "每日花费与转化  12-01 → 12-02: 花费 100–250.5; 转化 1–3"}}
    assert "▁" not in json.dumps(out, ensure_ascii=False)  # the picture replaces the sparklines, never both


def test_a_chart_without_an_image_is_sparklines_in_a_code_block() -> None:
    out = render(CHART_CARD, "zh")
    title, lines = out["body"]["elements"][:2]
    assert title["content"] == "每日花费与转化  12-01 → 12-02"
    assert lines["content"] == "```\n花费  ▁█\n转化  █▁\n```"
    assert all(e["tag"] != "img" for e in out["body"]["elements"])


def test_the_report_card_with_its_chart_image_and_without() -> None:
    bot = TestBot(lang="zh")
    bot.ok("ou_li", "新建 发布会 start=2026-11-16 end=2026-11-29")
    for day, spend, conversions in (("2026-11-23", "1000", "40"), ("2026-11-24", "250.5", "12")):
        bot.ok("ou_li", f"metrics C-1 date={day} spend={spend} impressions=50000 clicks=1000 conversions={conversions}"
                        " revenue=4000")
    card = bot.ok("ou_li", "报告 C-1").card
    assert_golden("report_zh_image", render(card, "zh", image_key="img_v3_report"))
    assert_golden("report_zh_text", render(card, "zh"))


def test_a_huge_card_is_cut_to_fit_feishus_limit() -> None:
    lines = "\n".join(f"T-{i} 一项很长很长的任务标题，用来把卡片撑大 <@ou_{i}>" for i in range(3000))
    out = render(Card(title="任务列表", sections=(Section(lines), Section("尾部说明"))), "zh")
    size = len(json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode())
    assert size <= MAX_BYTES
    first, last = out["body"]["elements"]
    assert first["content"].endswith("\n…") and last["content"] == "尾部说明"


def size_of(out: dict[str, Any]) -> int:
    return len(json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode())


APPROVE = Button("批准", Action(ActionId.APPROVE, "A-1"), Style.PRIMARY)
REJECT = Button("驳回", Action(ActionId.REJECT, "A-1"), Style.DANGER)


def test_a_card_with_200_long_fields_is_cut_field_by_field_to_fit() -> None:
    fields = tuple(Field(f"渠道{i}", "投放说明很长很长" * 40 + f" 第{i}项") for i in range(200))
    card = Card(title="渠道报告", fields=fields, sections=(Section("尾部说明"),), buttons=(APPROVE,), entity="C-1")
    out = render(card, "zh")
    assert size_of(out) <= MAX_BYTES
    lines = out["body"]["elements"][0]["content"].splitlines()
    assert len(lines) == 200 and all(line.endswith("…") for line in lines)  # every field is still there, shortened
    assert lines[0].startswith("**渠道0**：投放说明很长")
    assert out["body"]["elements"][1]["content"] == "尾部说明" and buttons(out)  # the short section and the button


def test_the_longest_field_is_cut_first() -> None:
    card = Card(title="报告", fields=(Field("短", "一句话"), Field("长", "很长的说明" * 3000)))
    short, cut = render(card, "zh")["body"]["elements"][0]["content"].splitlines()
    assert short == "**短**：一句话" and cut.endswith("…") and len(cut) < 10_000


def test_a_card_that_cannot_be_cut_to_fit_says_so_and_how_to_see_it() -> None:
    fields = tuple(Field(f"第{i}项的一个很长很长的名字" * 3, "值" * 100) for i in range(3000))
    card = Card(title="活动 C-1 的全部数据", tone=Tone.WARNING, fields=fields, buttons=(APPROVE, REJECT), entity="C-1")
    out = render(card, "zh")
    assert size_of(out) <= MAX_BYTES
    assert out["header"]["title"]["content"] == "活动 C-1 的全部数据" and out["header"]["template"] == "orange"
    note = out["body"]["elements"][0]["content"]
    assert "超出飞书单条消息的长度上限" in note and "查看 C-1" in note
    assert [value(b)["action"] for b in buttons(out)] == ["approve", "reject"]  # the decision can still be made
    english = render(replace(card, entity=None), "en")["body"]["elements"][0]["content"]
    assert "too long for one Feishu message" in english and "narrower view" in english
    alert = render(replace(card, entity="anomaly:C-1:2026-11-25"), "zh")["body"]["elements"][0]["content"]
    assert "anomaly" not in alert and "缩小查询范围" in alert  # show knows no alert refs


def test_the_shortest_form_of_any_rendered_card_keeps_its_header_and_buttons() -> None:
    full = render(Card(title="T" * 400, tone=Tone.DANGER, sections=(Section("x" * 5000),), buttons=(APPROVE, REJECT)))
    short = shortest(full, "en")
    assert short["header"]["template"] == "red" and len(short["header"]["title"]["content"]) == 150
    assert buttons(short) == buttons(full) and size_of(short) < 3000
    assert short["config"] == {"update_multi": True}  # it can still replace the card in place


def test_a_callback_answer_is_a_toast_and_maybe_a_card() -> None:
    toast = {"type": "error", "content": "驳回前请填写原因。"}
    assert callback_response("error", "驳回前请填写原因。") == {"toast": toast}
    card = {"schema": "2.0"}
    assert callback_response("success", "ok", card)["card"] == {"type": "raw", "data": card}
