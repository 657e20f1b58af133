"""The approval story across three Slack users: cards by direct message, a summary in the home channel,
Approve, Reject with a reason in a modal, every copy updated in place, and no decision taken twice."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.integration.slack.harness import SlackWorkspace, buttons, text_of
from tests.standins.slack import SlackStandIn

DECISION = ["approve", "reject", "return", "delegate"]  # the buttons of an approval card while it waits


@pytest.fixture
def world(standin: SlackStandIn, engine: Engine) -> Iterator[SlackWorkspace]:
    """On SQLite and PostgreSQL: the story is where the database matters."""
    with SlackWorkspace(standin, engine.url.render_as_string(hide_password=False)) as workspace:
        yield workspace


def _request_budget(slack: SlackWorkspace) -> None:
    slack.command("UADMIN", "role add <@UMGR> manager")
    slack.command("UADMIN", "role add <@UFIN> finance")
    slack.command("UREQ", 'new "Spring" budget=50k')
    slack.command("UREQ", 'budget request C-1 20000 "KOL fees for week 2"')
    slack.deliver()


def _card_for(slack: SlackWorkspace, user: str) -> tuple[dict[str, Any], str, str]:
    """The latest card MEMS sent this user by direct message: (message, channel, ts)."""
    post = slack.posted(user)[-1]
    return post.body, post.response["channel"], post.response["ts"]


def _updates(slack: SlackWorkspace) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c.body["channel"], c.body["ts"]): c.body for c in slack.standin.calls("chat.update")}


def test_the_whole_approval_story(world: SlackWorkspace) -> None:
    slack = world
    _request_budget(slack)
    assert "<@UMGR>" in slack.last_answer()  # the requester learns who decides
    mgr_card, mgr_channel, mgr_ts = _card_for(slack, "UMGR")
    assert buttons(mgr_card) == DECISION and "1 of 2" in text_of(mgr_card)
    summary = slack.posted("CHOME")[-1]
    assert buttons(summary.body) == [] and "KOL fees for week 2" in text_of(summary.body)
    assert slack.posted("UFIN") == []  # finance waits for its step

    slack.standin.reset()
    slack.click("UMGR", mgr_card, mgr_channel, mgr_ts, "approve")
    [outcome] = slack.answers()
    assert outcome["replace_original"] is True and buttons(outcome) == []  # the approver sees it at once
    assert "<@UMGR>" in text_of(outcome)
    slack.deliver()
    updated = _updates(slack)
    assert (mgr_channel, mgr_ts) in updated and len(updated) == 2  # the DM and the channel summary
    assert all(buttons(body) == [] and "2 of 2" in text_of(body) for body in updated.values())
    assert "approved" in text_of(slack.posted("UREQ")[-1].body).lower()  # the requester is told
    fin_card, fin_channel, fin_ts = _card_for(slack, "UFIN")
    assert buttons(fin_card) == DECISION and "2 of 2" in text_of(fin_card)

    slack.standin.reset()
    slack.click("UFIN", fin_card, fin_channel, fin_ts, "reject")
    view = slack.opened_view()
    assert view["callback_id"] == "mems_reason" and slack.answers() == []
    refused = slack.submit("UFIN", view, {"reason": "   "})
    assert refused.json()["response_action"] == "errors" and "reason" in refused.json()["errors"]
    assert slack.answers() == []
    slack.submit("UFIN", view, {"reason": 'over plan: keep "week 2" within budget=20k'})
    [outcome] = slack.answers()
    assert outcome["replace_original"] is True and "over plan" in text_of(outcome)
    slack.deliver()
    updated = _updates(slack)
    # every copy: both approvers' cards, the channel summary, and the requester's "approved" message
    assert {(mgr_channel, mgr_ts), (fin_channel, fin_ts)} <= set(updated)
    assert {channel for channel, _ in updated} == {"DMGR", "DFIN", "CHOME", "DREQ"}
    for body in updated.values():
        shown = text_of(body)
        assert buttons(body) == [] and "rejected" in shown.lower() and "<@UFIN>" in shown
        assert 'keep "week 2" within budget=20k' in shown
    assert "rejected" in text_of(slack.posted("UREQ")[-1].body).lower()

    slack.command("UREQ", "show A-1")
    trail = slack.last_answer()
    assert "<@UMGR>" in trail and "<@UFIN>" in trail


def test_a_double_click_and_a_retried_click_decide_once(world: SlackWorkspace) -> None:
    slack = world
    _request_budget(slack)
    card, channel, ts = _card_for(slack, "UMGR")
    slack.standin.reset()
    slack.click("UMGR", card, channel, ts, "approve")
    slack.click("UMGR", card, channel, ts, "approve")
    first, second = slack.answers()
    assert first["replace_original"] is True
    assert second["response_type"] == "ephemeral" and "Already handled" in text_of(second)
    assert "<@UMGR>" in text_of(second)  # who decided, and when
    slack.deliver()
    assert len(slack.posted("UFIN")) == 1  # one decision, so one next step

    with slack.container.uow_factory() as uow:
        request = uow.approvals.get(1, None)
        assert request is not None and len(request.decisions) == 1


def test_a_click_by_someone_who_may_not_decide_changes_nothing(world: SlackWorkspace) -> None:
    slack = world
    _request_budget(slack)
    card, channel, ts = _card_for(slack, "UMGR")
    slack.standin.reset()
    slack.click("UFIN", card, channel, ts, "approve")  # finance's step has not come
    [answer] = slack.answers()
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    slack.deliver()
    assert slack.standin.calls("chat.update") == []


def test_a_refused_click_can_be_clicked_again_once_allowed(world: SlackWorkspace) -> None:
    slack = world
    _request_budget(slack)
    card, channel, ts = _card_for(slack, "UMGR")
    slack.command("UADMIN", "role remove <@UMGR> manager")
    slack.standin.reset()
    slack.click("UMGR", card, channel, ts, "approve")  # no longer a manager: refused, nothing changed
    slack.command("UADMIN", "role add <@UMGR> manager")
    slack.click("UMGR", card, channel, ts, "approve")  # the same button, now allowed: not "already handled"
    refused, approved = slack.answers()
    assert refused["response_type"] == "ephemeral" and "Already handled" not in text_of(approved)
    assert approved["replace_original"] is True
    with slack.container.uow_factory() as uow:
        request = uow.approvals.get(1, None)
        assert request is not None and [d.decider for d in request.decisions] == ["UMGR"]


def test_task_cards_carry_start_and_done(world: SlackWorkspace) -> None:
    slack = world
    slack.command("UADMIN", 'new "Spring"')
    slack.command("UADMIN", 'task add C-1 "Book venue" <@UMGR>')
    post = slack.posted("CHOME")[-1]
    ts = post.response["ts"]
    slack.standin.reset()
    slack.click("UMGR", post.body, "CHOME", ts, "task_start")
    [started] = slack.answers()
    assert started["replace_original"] is True and buttons(started) == ["task_done"]
    slack.click("UMGR", started, "CHOME", ts, "task_done")
    done = slack.answers()[-1]
    assert buttons(done) == [] and "done" in text_of(done).lower()
    assert json.dumps(done).count("Book venue") >= 1


def test_with_the_delivery_loop_running_every_copy_changes_at_once(standin: SlackStandIn, sqlite_url: str) -> None:
    """As `mems serve` runs it: no scheduler poll needed, the commit of the click wakes the delivery worker."""
    from tests.standins.slack import wait_for

    with SlackWorkspace(standin, sqlite_url, workers=True) as slack:
        slack.command("UADMIN", "role add <@UMGR> manager")
        slack.command("UREQ", 'new "Spring" budget=50k')
        slack.command("UREQ", "budget request C-1 5000 fees")
        assert wait_for(lambda: slack.posted("UMGR"), timeout=3)
        card, channel, ts = _card_for(slack, "UMGR")
        started = time.monotonic()
        slack.click("UMGR", card, channel, ts, "approve")
        assert wait_for(lambda: len(standin.calls("chat.update")) == 2, timeout=3)
        assert time.monotonic() - started < 2  # not the 5-second safety poll
        assert wait_for(lambda: any("approved" in text_of(c.body).lower() for c in slack.posted("UREQ")), timeout=3)
