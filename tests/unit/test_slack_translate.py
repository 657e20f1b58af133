"""Inbound payloads → Context and command text; modal fields → the command a user would type. Pure."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.slack import forms, translate
from adapters.slack.translate import Profile
from bot.actions import Action, ActionId
from bot.parsing import parse
from bot.parsing.values import Now
from domain import commands as c
from domain.people import Platform

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "slack"
NOW = Now(datetime(2026, 11, 25, 2, 0, tzinfo=UTC), ZoneInfo("Asia/Shanghai"), "CNY")
TEMPLATES = ["holiday-promo", "product-launch"]


def _fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def test_a_slash_command_is_the_team_the_user_and_the_channel() -> None:
    ctx = translate.command_context(_fixture("slash_command")["fields"], Profile("Primary", "Asia/Tokyo", "ja-JP"))
    assert (ctx.platform, ctx.workspace, ctx.user, ctx.channel) == (Platform.SLACK, "T111", "W111", "C111")
    assert (ctx.user_name, ctx.timezone, ctx.lang, ctx.direct) == ("Primary", "Asia/Tokyo", "ja-JP", False)


def test_without_a_profile_the_slack_username_is_used() -> None:
    ctx = translate.command_context({**_fixture("slash_command")["fields"], "channel_id": "D123"}, Profile())
    assert ctx.user_name == "primary-owner" and ctx.timezone is None and ctx.direct is True


@pytest.mark.parametrize("name", ["block_actions_message", "block_actions_ephemeral"])
def test_a_click_names_its_team_user_and_channel(name: str) -> None:
    body = _fixture(name)["payload"]
    ctx = translate.interaction_context(body, Profile())
    assert ctx.workspace == body["team"]["id"] and ctx.user == body["user"]["id"] and ctx.channel == "C111"


def test_a_modal_takes_the_channel_it_was_opened_from() -> None:
    body = _fixture("view_submission")["payload"]
    assert translate.interaction_context(body, Profile(), channel="C777").channel == "C777"
    assert translate.interaction_context(body, Profile()).channel is None


def test_users_info_profile() -> None:
    user = {"id": "U1", "name": "li", "real_name": "Li Na", "tz": "Asia/Shanghai", "locale": "zh-CN",
            "profile": {"display_name": "", "real_name": "李娜"}}
    assert translate.profile(user) == Profile("李娜", "Asia/Shanghai", "zh-CN")
    assert translate.profile(None) == Profile()


def test_click_keys_differ_by_message_button_and_user() -> None:
    body = _fixture("block_actions_message")["payload"]
    action = body["actions"][0]
    same = translate.click_key(body, action)
    assert same == translate.click_key(json.loads(json.dumps(body)), dict(action))
    assert same != translate.click_key({**body, "user": {"id": "U999"}}, action)
    assert same != translate.click_key(body, {**action, "value": "other"})
    assert same != translate.click_key({**body, "container": {"message_ts": "1.2"}}, action)


@pytest.mark.parametrize("raw", [None, "", "clicked", "[1]", '{"ref": 3}', '{"cmd": "approve A-1"}',
                                 '{"ref": "T-1"}', '{"ref": "A-1' + "1" * 80 + '"}'])
def test_a_value_mems_did_not_write_is_none(raw: str | None) -> None:
    assert translate.action_of({"action_id": "approve", "value": raw}) is None


def test_a_button_carries_its_action_and_ref_and_a_legacy_value_still_reads() -> None:
    assert translate.action_of({"action_id": "approve.2", "value": '{"action":"approve","ref":"A-3"}'}) \
        == Action(ActionId.APPROVE, "A-3")
    legacy = '{"ref":"T-7","cmd":"task done T-7"}'  # a card sent before buttons carried typed actions
    assert translate.action_of({"action_id": "task_done", "value": legacy}) == Action(ActionId.TASK_DONE, "T-7")


@pytest.mark.parametrize("reason", ['over plan', 'keep "week 2" low', 'budget=20k please', '“quoted” and "mixed"',
                                    '超出预算「第二周」'])
def test_a_typed_reason_survives_whole(reason: str) -> None:
    origin = forms.Origin.decode(forms.Origin("C1", None, Action(ActionId.REJECT, "A-3")).encode())
    state = {"values": {"reason": {"value": {"type": "plain_text_input", "value": reason}}}}
    assert forms.read_reason(state, origin, "en") == c.Reject(3, reason)


def _state(**values: Any) -> dict[str, Any]:
    return {"values": {k: {"value": v if isinstance(v, dict) else {"type": "plain_text_input", "value": v}}
                       for k, v in values.items()}}


def test_a_good_form_is_the_command_a_user_would_type() -> None:
    checked = forms.read_new(_state(name="Spring", budget="50k", launch="2027-03-01",
                                    template={"selected_option": {"value": "product-launch"}},
                                    owner={"selected_user": "U2"}, kpis="roi=3 kpi.ctr=2%"), NOW, TEMPLATES, "en")
    assert checked.errors == {}
    command = checked.command
    assert command == parse('new Spring budget=50k launch=2027-03-01 template=product-launch owner=<@U2> kpi.roi=3 '
                            'kpi.ctr=2%', NOW)
    assert isinstance(command, c.NewCampaign)
    assert (command.name, command.template, command.owner) == ("Spring", "product-launch", "U2")
    assert str(command.budget.amount) == "50000.00" and set(command.kpis) == {"roi", "ctr"}  # type: ignore[union-attr]


def test_every_bad_field_is_reported_at_once_in_the_readers_language() -> None:
    checked = forms.read_new(_state(name="Spring", budget="lots", start="someday", kpis="roi=x",
                                    template={"selected_option": {"value": "nope"}}), NOW, TEMPLATES, "zh")
    assert set(checked.errors) == {"budget", "start", "kpis", "template"}
    assert "不是金额" in checked.errors["budget"] and "不是日期" in checked.errors["start"]


def test_an_empty_reason_is_an_error_on_its_field() -> None:
    origin = forms.Origin("C1", None, Action(ActionId.REJECT, "A-3"))
    found = forms.read_reason(_state(reason="  "), origin, "en")
    assert isinstance(found, forms.Submission) and list(found.errors) == ["reason"]
    assert forms.read_reason(_state(reason=" ok "), origin, "en") == c.Reject(3, "ok")


def test_origin_survives_private_metadata() -> None:
    origin = forms.Origin("C1", "https://hooks.slack.com/x", Action(ActionId.REJECT, "A-3"))
    assert forms.Origin.decode(origin.encode()) == origin
    assert forms.Origin.decode("not json") == forms.Origin()


def test_modal_titles_fit_slacks_limit() -> None:
    origin = forms.Origin("C1")
    for lang in ("en", "zh"):
        views = (forms.new_campaign(lang, TEMPLATES, origin), forms.reason(lang, "Reject A-12345678901234", origin))
        for view in views:
            assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24


# -- the approval desk ------------------------------------------------------------------------------------------
def test_the_delegate_modal_reads_the_chosen_person_and_keeps_the_cards_turn() -> None:
    origin = forms.Origin.decode(forms.Origin("C1", None, Action(ActionId.DELEGATE, "A-3", stage="1.2.0")).encode())
    assert forms.read_person(_state(person={"selected_user": "U9"}), origin, "en") == c.DelegateStep(3, "U9",
                                                                                                     (1, 2, 0))
    empty = forms.read_person(_state(person={}), origin, "en")
    assert isinstance(empty, forms.Submission) and list(empty.errors) == ["person"]
    modal = forms.person("en", "Delegate A-3", origin)
    assert modal["callback_id"] == forms.PERSON and modal["blocks"][0]["element"]["type"] == "users_select"


def test_the_return_modal_asks_what_should_change() -> None:
    modal = forms.reason("en", "Return A-3", forms.Origin("C1", None, Action(ActionId.RETURN, "A-3")))
    assert modal["blocks"][0]["label"]["text"].startswith("What should change?")
    assert forms.reason("en", "Reject A-3", forms.Origin("C1", None, Action(ActionId.REJECT, "A-3")))[
        "blocks"][0]["label"]["text"] == "Reason"


def test_files_shared_with_a_mention_become_attachments() -> None:
    body = {"team_id": "T1", "event": {"type": "app_mention", "user": "U1", "channel": "C1", "text": "x", "files": [
        {"name": "quote 0412.pdf", "permalink": "https://acme.slack.com/files/U1/F1/quote_0412.pdf"},
        {"name": "no link"}, "junk", {"name": "bad", "permalink": "javascript:alert(1)"}]}}
    ctx = translate.event_context(body, translate.Profile())
    assert [(f.name, f.url) for f in ctx.files] == [
        ("quote 0412.pdf", "https://acme.slack.com/files/U1/F1/quote_0412.pdf")]
