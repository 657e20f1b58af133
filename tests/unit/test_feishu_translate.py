"""Inbound Feishu payloads → context and command, from the recorded payload shapes in tests/fixtures/feishu/."""

from __future__ import annotations

import copy
import json
from typing import Any

import lark_oapi as lark
import pytest
from lark_oapi.api.im.v1 import P2ImMessageReceiveV1
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTrigger

from adapters.feishu import translate
from bot.context import Context
from bot.parsing import parse
from domain import commands as c
from domain.people import Platform
from tests.standins.feishu_events import Feishu, fixture

BOT = "ou_bot_mems"


def as_message(body: dict[str, Any]) -> P2ImMessageReceiveV1:
    return lark.JSON.unmarshal(json.dumps(body), P2ImMessageReceiveV1)


def as_click(body: dict[str, Any]) -> P2CardActionTrigger:
    return lark.JSON.unmarshal(json.dumps(body), P2CardActionTrigger)


@pytest.fixture
def feishu() -> Feishu:
    people = Feishu()
    people.person("李娜", "ou_lina")
    people.person("王", "ou_wang")
    return people


def test_the_official_group_example_is_not_for_us_when_it_mentions_someone_else() -> None:
    # im_message_receive_v1.json mentions Tom (ou_84aa…), not the bot: a group chat the bot only overhears.
    assert translate.message(as_message(fixture("im_message_receive_v1")), BOT) is None


def test_the_official_example_is_a_command_when_tom_is_the_bot() -> None:
    found = translate.message(as_message(fixture("im_message_receive_v1")), "ou_84aad35d084aa403a838cf73ee18467")
    assert found is not None and found.text == "hello"
    assert found.ctx == Context(Platform.FEISHU, "2ca1d211f64f6438", "ou_84aad35d084aa403a838cf73ee18467",
                                "oc_5ce6d572455d361153b7xx51da133945", direct=False)
    assert found.message_id == "om_5ce6d572455d361153b7cb51da133945"
    assert found.event_id == "5e3702a84e847582be8db7fb73283c02"


def test_a_p2p_message_is_a_command_without_any_mention() -> None:
    found = translate.message(as_message(fixture("im_message_receive_v1_p2p")), BOT)
    assert found is not None and found.ctx.direct and found.text == "/deploy api v1.2.3"
    assert found.ctx.workspace == "2ca1d211f64f6438"  # the tenant is the workspace


def test_the_bots_mention_goes_and_other_mentions_become_people(feishu: Feishu) -> None:
    event = feishu.message("王", "@MEMS 任务 添加 C-1 “订场地” @李娜 due=+10d", "oc_1")
    found = translate.message(as_message(event), BOT)
    assert found is not None
    assert found.text == "任务 添加 C-1 “订场地” <@ou_lina> due=+10d"
    command = parse(found.text)
    assert isinstance(command, c.AddTask) and command.assignee == "ou_lina" and command.title == "订场地"


def test_ten_mentions_do_not_confuse_user_1_with_user_10(feishu: Feishu) -> None:
    for n in range(1, 11):
        feishu.person(f"p{n}", f"ou_p{n}")
    event = feishu.message("王", "@MEMS " + " ".join(f"@p{n}" for n in range(1, 11)), "oc_1")
    found = translate.message(as_message(event), BOT)
    assert found is not None and found.text.split() == [f"<@ou_p{n}>" for n in range(1, 11)]


def test_a_person_glued_to_an_option_is_that_options_value(feishu: Feishu) -> None:
    found = translate.message(as_message(feishu.message("王", "@MEMS 新建 春节营销 owner=@李娜", "oc_1")), BOT)
    assert found is not None and found.text == "新建 春节营销 owner=<@ou_lina>"
    command = parse(found.text)
    assert isinstance(command, c.NewCampaign) and command.owner == "ou_lina" and command.name == "春节营销"


def test_a_free_mention_is_a_word_of_its_own_even_when_glued_to_text(feishu: Feishu) -> None:
    event = feishu.message("王", "@MEMS 任务 添加 C-1 订场地@李娜", "oc_1")
    event["event"]["message"]["content"] = json.dumps({"text": "@_user_1 任务 添加 C-1 订场地@_user_2，"})
    found = translate.message(as_message(event), BOT)
    assert found is not None and found.text == "任务 添加 C-1 订场地 <@ou_lina> ，"


def test_a_mention_inside_a_quoted_phrase_is_the_persons_name(feishu: Feishu) -> None:
    event = feishu.message("王", "@MEMS 任务 添加 C-1 “和 @李娜 订场地” @王", "oc_1")
    event["event"]["message"]["content"] = json.dumps(
        {"text": '@_user_1 任务 添加 C-1 “和 @_user_2 订场地” @_user_3 note="问@_user_2" “未闭合 @_user_3'})
    found = translate.message(as_message(event), BOT)
    assert found is not None
    assert found.text == '任务 添加 C-1 “和 @李娜 订场地” <@ou_wang> note="问@李娜" “未闭合 @王'
    command = parse("任务 添加 C-1 “和 @李娜 订场地” <@ou_wang>")
    assert isinstance(command, c.AddTask) and command.title == "和 @李娜 订场地" and command.assignee == "ou_wang"


def test_a_group_message_without_the_bot_is_ignored(feishu: Feishu) -> None:
    assert translate.message(as_message(feishu.message("王", "@李娜 午饭吃什么", "oc_1")), BOT) is None


def test_until_the_bot_knows_its_id_a_leading_mention_is_taken_as_the_bot(feishu: Feishu) -> None:
    found = translate.message(as_message(feishu.message("王", "@MEMS 列表", "oc_1")), None)
    assert found is not None and found.text == "列表"
    assert translate.message(as_message(feishu.message("王", "列表 @MEMS", "oc_1")), None) is None


def test_messages_from_bots_are_never_commands(feishu: Feishu) -> None:
    event = feishu.message("王", "@MEMS 列表", "oc_1")
    event["event"]["sender"]["sender_type"] = "app"
    assert translate.message(as_message(event), BOT) is None


def test_an_image_to_the_bot_has_no_text(feishu: Feishu) -> None:
    event = feishu.message("王", "x", "oc_1", chat_type="p2p")
    event["event"]["message"] |= {"message_type": "image", "content": json.dumps({"image_key": "img_v2_x"})}
    found = translate.message(as_message(event), BOT)
    assert found is not None and found.text is None


def test_rich_text_is_read_like_text(feishu: Feishu) -> None:
    # A formatted message as the Feishu client sends it: bold and a link split the words into elements.
    event = feishu.post("王", [["@MEMS", " 新建 ", {"tag": "text", "text": "春节营销", "style": ["bold"]},
                                " owner=", "@李娜", {"tag": "emotion", "emoji_type": "SMILE"}],
                               [{"tag": "a", "text": "budget=30万", "href": "https://example.com"}],
                               [{"tag": "img", "image_key": "img_v3_x", "width": 10, "height": 10}]], "oc_1")
    found = translate.message(as_message(event), BOT)
    assert found is not None and found.text == "新建 春节营销 owner=<@ou_lina>\nbudget=30万"
    command = parse(found.text)
    assert isinstance(command, c.NewCampaign) and command.owner == "ou_lina" and command.name == "春节营销"


def test_rich_text_under_a_language_key_with_open_ids_is_read_too(feishu: Feishu) -> None:
    event = feishu.post("王", [["x"]], "oc_1")
    content = {"zh_cn": {"title": "标题不是命令", "content": [
        [{"tag": "at", "user_id": BOT, "user_name": "MEMS"}, {"tag": "text", "text": " 任务 添加 C-1 订场地 "},
         {"tag": "at", "user_id": "ou_lina", "user_name": "李娜"}, {"tag": "at", "user_id": "all"}]]}}
    event["event"]["message"] |= {"content": json.dumps(content, ensure_ascii=False), "mentions": []}
    found = translate.message(as_message(event), BOT)
    assert found is not None and found.text == "任务 添加 C-1 订场地 <@ou_lina>"


@pytest.mark.parametrize("content", ['{"title": "", "content": [[{"tag": "img", "image_key": "img_1"}]]}',
                                     '{"title": "x"}', "[]", "not json", '{"content": "not a list"}'])
def test_rich_text_without_words_has_no_text(feishu: Feishu, content: str) -> None:
    event = feishu.post("王", [["x"]], "oc_1", chat_type="p2p")
    event["event"]["message"]["content"] = content
    found = translate.message(as_message(event), BOT)
    assert found is not None and found.text is None


def test_at_all_is_dropped(feishu: Feishu) -> None:
    event = feishu.message("王", "@MEMS 列表 @_all", "oc_1")
    found = translate.message(as_message(event), BOT)
    assert found is not None and found.text == "列表"


# -- clicks -----------------------------------------------------------------------------------------------------
def test_an_approve_click_is_the_command_on_the_button(feishu: Feishu) -> None:
    value = {"action": "approve", "ref": "A-3", "command": "approve A-3"}
    found = translate.click(as_click(feishu.click("王", "om_card", value, "oc_home")))
    assert isinstance(found, translate.Click)
    assert found.command == c.Approve(3) and found.message_id == "om_card"
    assert found.ctx == Context(Platform.FEISHU, feishu.tenant, "ou_wang", "oc_home")


def test_a_reject_form_submit_carries_the_typed_reason(feishu: Feishu) -> None:
    value = {"action": "reject", "ref": "A-3", "command": "reject A-3 <reason>"}
    found = translate.click(as_click(feishu.click("王", "om_card", value, "oc_home",
                                                  form_value={"reason": "  预算 超标 key=value “引号” "})))
    assert isinstance(found, translate.Click)
    assert found.command == c.Reject(3, "预算 超标 key=value “引号”")  # typed: no quoting can go wrong


@pytest.mark.parametrize("form_value", [None, {}, {"reason": ""}, {"reason": "   "}, {"reason": 42}])
def test_a_reject_without_a_reason_is_refused(feishu: Feishu, form_value: dict[str, Any] | None) -> None:
    value = {"action": "reject", "ref": "A-3", "command": "reject A-3 <reason>"}
    found = translate.click(as_click(feishu.click("王", "om_card", value, "oc_home", form_value=form_value)))
    assert found == translate.Refused("feishu.toast.reject.reason_required")


@pytest.mark.parametrize("value", [
    {"action": "approve", "request_id": "req-42"},  # card_action_trigger_button.json: not one of our cards
    {"key": "value"},  # card_action_trigger.json
    {"action": "launch_missiles", "ref": "A-1", "command": "approve A-1"},
    {"action": "reject", "ref": "C-1", "command": "reject C-1 <reason>"},
])
def test_values_we_did_not_put_on_a_card_are_refused(feishu: Feishu, value: dict[str, Any]) -> None:
    event = feishu.click("王", "om_card", value, "oc_home", form_value={"reason": "x"})
    assert translate.click(as_click(event)) == translate.Refused("feishu.toast.unknown_action")


def test_the_official_callback_examples_are_refused_not_crashed() -> None:
    for name in ("card_action_trigger", "card_action_trigger_button"):
        assert isinstance(translate.click(as_click(fixture(name))), translate.Refused)


def test_a_double_click_has_one_key_and_another_person_or_card_another(feishu: Feishu) -> None:
    value = {"action": "approve", "ref": "A-3", "command": "approve A-3"}

    def key(operator: str, message: str) -> str:
        found = translate.click(as_click(feishu.click(operator, message, value, "oc_home")))
        assert isinstance(found, translate.Click)
        return found.key

    assert key("王", "om_1") == key("王", "om_1")  # two deliveries, different event ids
    assert len({key("王", "om_1"), key("李娜", "om_1"), key("王", "om_2")}) == 3


def test_a_missing_operator_is_refused(feishu: Feishu) -> None:
    event = copy.deepcopy(feishu.click("王", "om_1", {"action": "approve", "ref": "A-1", "command": "approve A-1"},
                                       "oc"))
    del event["event"]["operator"]
    assert isinstance(translate.click(as_click(event)), translate.Refused)


# -- the approval desk's card forms -----------------------------------------------------------------------------
def test_a_return_form_and_a_delegate_picker_carry_what_was_entered_and_the_cards_turn(feishu: Feishu) -> None:
    back = {"action": "return", "ref": "A-3", "stage": "2.1.0"}
    found = translate.click(as_click(feishu.click("王", "om_card", back, "oc_home",
                                                  form_value={"reason_return": " 场地费单列 "})))
    assert isinstance(found, translate.Click) and found.command == c.ReturnRequest(3, "场地费单列", (2, 1, 0))
    handover = {"action": "delegate", "ref": "A-3", "stage": "2.1.0"}
    found = translate.click(as_click(feishu.click("王", "om_card", handover, "oc_home",
                                                  form_value={"person_delegate": "ou_liu"})))
    assert isinstance(found, translate.Click) and found.command == c.DelegateStep(3, "ou_liu", (2, 1, 0))


@pytest.mark.parametrize(("action", "form_value", "refused"), [
    ("return", {"reason_return": "  "}, "feishu.toast.return.reason_required"),
    ("delegate", {}, "feishu.toast.person_required"),
    ("delegate", {"person_delegate": "<@all>"}, "feishu.toast.person_required"),
])
def test_an_empty_desk_form_is_refused(feishu: Feishu, action: str, form_value: dict[str, Any], refused: str) -> None:
    event = feishu.click("王", "om_card", {"action": action, "ref": "A-3"}, "oc_home", form_value=form_value)
    assert translate.click(as_click(event)) == translate.Refused(refused)
