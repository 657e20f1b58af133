"""The approval desk's story on Slack: a request with a quote attached, copied to two people, returned from the
card's Return button (a modal asks what to change), revised from 30,000 to 120,000 (so it gains the admin step), a
signer added, the signer's step handed over from the Delegate button (a users_select modal), an urge, the finance
approver away with a delegate, and approval at last. After every move every copy of the card shows the same state."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.integration.slack.harness import SlackWorkspace, buttons, text_of
from tests.standins.slack import SlackStandIn

QUOTE = "https://files.example.com/q/quote-0412.pdf"
PEOPLE = {"UCAR": "Carol", "UDAN": "Dan", "UGIL": "Gil", "ULI": "Li", "UZHAO": "Zhao"}


@pytest.fixture
def team(slack: SlackWorkspace, standin: SlackStandIn) -> SlackWorkspace:
    for user, name in PEOPLE.items():
        standin.add_user(user, name)
    slack.command("UADMIN", "role add <@UMGR> manager")
    slack.command("UADMIN", "role add <@UFIN> finance")
    slack.command("UREQ", 'new "Spring" budget=100k')
    return slack


def copies(slack: SlackWorkspace) -> dict[tuple[str, str], dict[str, Any]]:
    """Every copy of A-1's card MEMS posted, as it reads now (its last update, else as posted)."""
    found = {(c.response["channel"], c.response["ts"]): c.body for c in slack.standin.calls("chat.postMessage")
             if "*Step*" in text_of(c.body)}
    for update in slack.standin.calls("chat.update"):
        key = (update.body["channel"], update.body["ts"])
        if key in found:
            found[key] = update.body
    return found


def step(message: dict[str, Any]) -> str:
    match = re.search(r"\*Step\*\n([^\n]+)", text_of(message))
    return match.group(1) if match else ""


def same_everywhere(slack: SlackWorkspace) -> str:
    """Delivers what waits, then: every copy shows one and the same step; returns it."""
    slack.deliver()
    shown = {where: step(message) for where, message in copies(slack).items()}
    assert len(set(shown.values())) == 1, shown
    return next(iter(shown.values()))


def card_of(slack: SlackWorkspace, user: str) -> tuple[dict[str, Any], str, str]:
    post = slack.posted(user)[-1]
    return post.body, post.response["channel"], post.response["ts"]


def test_the_approval_desk_on_slack(team: SlackWorkspace) -> None:
    slack = team
    slack.command("UREQ", f'budget request C-1 30000 "KOL fees" attach={QUOTE}')
    assert same_everywhere(slack) == "1 of 2: manager"
    card, channel, ts = card_of(slack, "UMGR")
    assert buttons(card) == ["approve", "reject", "return", "delegate"]
    assert f"📎 <{QUOTE}|quote-0412.pdf>" in text_of(card) and "*Planned budget*\n¥100,000.00" in text_of(card)

    slack.command("UREQ", "cc A-1 <@ULI> <@UZHAO>")
    assert same_everywhere(slack) == "1 of 2: manager"
    assert buttons(card_of(slack, "ULI")[0]) == [] and buttons(card_of(slack, "UZHAO")[0]) == []  # read-only
    assert buttons(copies(slack)[(channel, ts)]) == ["approve", "reject", "return", "delegate"]  # still live

    slack.click("UMGR", copies(slack)[(channel, ts)], channel, ts, "return")
    view = slack.opened_view()
    assert view["callback_id"] == "mems_reason" and "What should change?" in text_of({"blocks": view["blocks"]})
    slack.submit("UMGR", {**view, "id": "VRETURN"}, {"reason": "split the venue from the KOL fee"})
    assert buttons(slack.answers()[-1]) == [] and "returned" in text_of(slack.answers()[-1])
    assert same_everywhere(slack) == "returned"
    assert "budget revise A-1" in text_of(slack.posted("UREQ")[-1].body)

    slack.command("UREQ", 'budget revise A-1 amount=120k reason="KOL and venue, two weeks"')
    assert same_everywhere(slack) == "1 of 3: manager (round 2)"
    assert "*Over plan*\n¥20,000.00 (20.0% above the plan)" in text_of(card_of(slack, "UMGR")[0])

    slack.command("UMGR", "approve A-1 add=<@UCAR>")
    assert same_everywhere(slack) == "2 of 4: <@UCAR> (added) (round 2)"
    card, channel, ts = card_of(slack, "UCAR")
    slack.click("UCAR", card, channel, ts, "delegate")
    view = slack.opened_view()
    assert view["callback_id"] == "mems_person"
    assert view["blocks"][0]["element"]["type"] == "users_select"
    refused = slack.submit("UCAR", {**view, "id": "VDELEGATE1"},
                           {"person": {"type": "users_select", "selected_user": "UREQ"}})
    assert refused.status_code == 200  # the modal closes; the bus refuses the requester with words
    assert "can't take a step" in text_of(slack.answers()[-1])
    slack.submit("UCAR", {**view, "id": "VDELEGATE2"}, {"person": {"type": "users_select", "selected_user": "UDAN"}})
    assert same_everywhere(slack) == "2 of 4: <@UCAR> (added) → handed to <@UDAN> (round 2)"
    assert buttons(card_of(slack, "UDAN")[0]) == ["approve", "reject", "return", "delegate"]

    slack.command("UREQ", "urge A-1")
    assert same_everywhere(slack) == "2 of 4: <@UCAR> (added) → handed to <@UDAN> (round 2)"
    assert "The requester asks you to decide: Budget request A-1" in text_of(card_of(slack, "UDAN")[0])

    slack.command("UFIN", "settings delegate=<@UGIL> until=+7d")
    slack.deliver()
    assert "named you their delegate" in text_of(slack.posted("UGIL")[-1].body)

    card, channel, ts = card_of(slack, "UDAN")
    slack.click("UDAN", card, channel, ts, "approve")
    assert same_everywhere(slack) == "3 of 4: finance (round 2)"
    card, channel, ts = card_of(slack, "UGIL")  # finance is away: the cover gets the card
    assert "3 of 4: finance" in text_of(card) and all("3 of 4" not in text_of(p.body) for p in slack.posted("UFIN"))
    slack.click("UGIL", card, channel, ts, "approve")
    assert same_everywhere(slack) == "4 of 4: admin (round 2)"

    card, channel, ts = card_of(slack, "UADMIN")
    slack.click("UADMIN", card, channel, ts, "approve")
    assert same_everywhere(slack) == "approved"
    finished = copies(slack)
    assert all(buttons(message) == [] for message in finished.values())
    assert {"DLI", "DZHAO", "CHOME", "DMGR", "DCAR", "DDAN", "DGIL"} <= {channel for channel, _ in finished}

    slack.command("UREQ", "show A-1")
    trail = slack.last_answer()
    for line in ("returned for changes by <@UMGR>", "¥30,000.00 → ¥120,000.00", "adding <@UCAR> as the next step",
                 "handed to <@UDAN> by <@UCAR>", "copied in <@ULI>, <@UZHAO>", "<@UREQ> urged the approvers",
                 "for <@UFIN>, who is away"):
        assert line in trail, line
