"""`/mems new` with nothing after it opens a form; each bad field is shown on that field, and a good form
creates the campaign in the channel the form was opened from."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.slack.harness import SlackWorkspace, text_of


def _open_form(slack: SlackWorkspace, text: str = "new") -> dict[str, Any]:
    slack.command("UADMIN", text, channel="CLAUNCH")
    view = slack.opened_view()
    assert view["callback_id"] == "mems_new"
    assert slack.standin.calls("views.open")[-1].body["trigger_id"].startswith("trig-")
    return view


def test_the_form_offers_the_templates(slack: SlackWorkspace) -> None:
    view = _open_form(slack)
    template = next(b for b in view["blocks"] if b["block_id"] == "template")
    assert "product-launch" in [o["value"] for o in template["element"]["options"]]
    assert [b["block_id"] for b in view["blocks"]] == ["name", "budget", "start", "end", "launch", "template",
                                                      "owner", "kpis"]


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"name": "Spring", "budget": "fifty grand"}, "budget", "not an amount"),
    ({"name": "Spring", "budget": "-5"}, "budget", "not an amount"),
    ({"name": "Spring", "launch": "someday"}, "launch", "not a date"),
    ({"name": "Spring", "start": "2026-02-30"}, "start", "not a date"),
    ({"name": "Spring", "kpis": "roi=lots"}, "kpis", "not a number"),
    ({"name": "Spring", "kpis": "happiness=3"}, "kpis", "not a KPI"),
    ({"name": "Spring", "template": {"type": "static_select", "selected_option": {"value": "nope"}}},
     "template", "not a template"),
    ({"name": "   "}, "name", "required"),
])
def test_a_bad_field_is_shown_on_that_field(slack: SlackWorkspace, values: dict[str, Any], field: str,
                                            words: str) -> None:
    view = _open_form(slack)
    response = slack.submit("UADMIN", view, values)
    assert response.status_code == 200
    body = response.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [field] and words in body["errors"][field]
    assert slack.standin.calls("chat.postMessage") == []
    with slack.container.uow_factory() as uow:
        assert all(list(uow.campaigns.list(w.id)) == [] for w in uow.workspaces.all() if w.id)


def test_a_good_form_creates_the_campaign_in_that_channel(slack: SlackWorkspace) -> None:
    view = _open_form(slack)
    response = slack.submit("UADMIN", view, {
        "name": '双十一 "Mega" Sale', "budget": "30万", "start": "2026-11-01", "end": "2026-11-11",
        "template": {"type": "static_select", "selected_option": {"value": "holiday-promo"}},
        "owner": {"type": "users_select", "selected_user": "UMGR"}, "kpis": "roi=3, ctr=2%"})
    assert response.status_code == 200 and response.text == ""  # the modal closes
    [post] = slack.posted("CLAUNCH")
    shown = text_of(post.body)
    assert '双十一 "Mega" Sale' in shown and "300,000.00" in shown and "<@UMGR>" in shown
    slack.command("UADMIN", "tasks C-1")
    assert "T-1" in slack.last_answer()  # the template's tasks came along


def test_a_double_submit_creates_one_campaign(slack: SlackWorkspace) -> None:
    view = _open_form(slack)
    slack.submit("UADMIN", view, {"name": "Once"})
    slack.submit("UADMIN", view, {"name": "Once"})
    assert len(slack.posted("CLAUNCH")) == 1


def test_a_domain_refusal_after_the_form_closes_reaches_the_asker(slack: SlackWorkspace) -> None:
    view = _open_form(slack)
    slack.submit("UADMIN", view, {"name": "Backwards", "start": "2026-12-10", "end": "2026-12-01"})
    assert slack.standin.calls("chat.postMessage") == []
    answer = slack.answers()[-1]
    assert answer["response_type"] == "ephemeral" and "end" in slack.last_answer().lower()


def test_new_with_words_is_a_command_not_a_form(slack: SlackWorkspace) -> None:
    slack.command("UADMIN", 'new "Spring"')
    assert slack.standin.calls("views.open") == []
    assert len(slack.posted("CHOME")) == 1


def test_a_modal_slack_refuses_to_open_is_explained(slack: SlackWorkspace) -> None:
    slack.standin.fail("views.open", error="expired_trigger_id")
    slack.command("UADMIN", "new")
    answer = slack.answers()[-1]
    assert answer["response_type"] == "ephemeral"
    assert "expired_trigger_id" in slack.last_answer() and "try again" in slack.last_answer()
