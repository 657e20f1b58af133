"""The approval desk through the real bus: who hears of each move, what every copy of the card says, the trail,
and the SLA reminders and the digest following the step to whoever holds it now."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.actions import Action, ActionId, command_for
from domain import commands as c
from domain.notifications import AlertKind
from tests.builders import TestBot
from tests.unit.alert_helpers import rows


@pytest.fixture
def bot() -> TestBot:
    bot = TestBot()
    for line in ("role add @bob manager", "role add @mia manager", "role add @fay finance", "role add @adam admin"):
        bot.ok("alice", line)
    bot.ok("olive", 'new "Spring Launch" budget=100k launch=2027-03-01')
    return bot


def request(bot: TestBot, number: int = 1):  # type: ignore[no-untyped-def]
    return bot.store.table("approvals")[number]


def latest(bot: TestBot, ref: str) -> str:
    """The last card this person was sent, or the last update of any of their copies, as the console shows it."""
    from adapters.console.render import render

    cards = [(n, card) for n, (t, card, _) in enumerate(bot.gateway.sent) if t.ref == ref]
    updates = [(n, card) for n, (channel, _, card) in enumerate(bot.gateway.updated) if channel == ref]
    found = (cards[-1][1] if cards else None, updates[-1][1] if updates else None)
    return render(found[1] or found[0]) if found[1] or found[0] else ""


def told(bot: TestBot, ref: str) -> list[str]:
    return [m.kind for m in rows(bot) if m.target.ref == ref]


# --- return and revise ------------------------------------------------------------------------------------------
def test_a_returned_request_tells_the_requester_what_to_change_and_every_copy_says_so(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 30000 KOL fees")
    bot.deliver()
    reply = bot.ok("bob", 'return A-1 "split the venue from the KOL fee"')
    assert "(returned)" in reply.card.title and reply.card.buttons == ()
    bot.deliver()
    to_olive = bot.sent_to("olive")[-1]
    assert "returned for changes by @bob" in to_olive and "split the venue from the KOL fee" in to_olive
    assert "`budget revise A-1 amount=… reason=…`" in to_olive
    assert {channel for channel, _, _ in bot.gateway.updated} >= {"bob", "mia", "local"}
    assert all("(returned)" in card.title and card.buttons == () for _, _, card in bot.gateway.updated)
    assert "was already returned by <@bob>" in bot.say("mia", "approve A-1").text


def test_revised_from_30k_to_120k_it_gains_the_admin_step_and_starts_again(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 30000 KOL fees")
    bot.ok("bob", "approve A-1")
    bot.ok("fay", "return A-1 one request for both weeks please")
    assert "only requester may" in bot.say("bob", "budget revise A-1 amount=120k").text
    bot.deliver()
    bot.gateway.sent.clear()
    reply = bot.ok("olive", 'budget revise A-1 amount=120k reason="KOL fees, two weeks"')
    assert "1 of 3: manager (round 2)" in bot.text("olive", "show A-1")
    assert "Revised by <@olive>" in reply.text and "¥30,000.00 → ¥120,000.00" in reply.text
    bot.deliver()
    assert {t.ref for t, _, _ in bot.gateway.sent} == {"bob", "mia"}  # round 2 starts at the managers again
    bot.ok("bob", "approve A-1")  # bob decided step 1 of round 1 too: a new round is a new chain
    bot.ok("fay", "approve A-1")
    bot.ok("adam", "approve A-1")
    r = request(bot)
    assert r.status.value == "approved" and r.round == 2 and len(r.decisions) == 5
    assert re.search(r"Over plan +¥20,000.00 \(20.0% above the plan\)", bot.text("olive", "show A-1"))


def test_revise_is_refused_unless_returned_and_the_stale_round_buttons_do_nothing(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 5000 fees")
    assert "pending" in bot.say("olive", "budget revise A-1 amount=6000").text
    bot.ok("bob", "return A-1 attach the quote")
    bot.ok("olive", "budget revise A-1 attach=https://files.example.com/quote.pdf")
    stale = command_for(Action(ActionId.APPROVE, "A-1", stage="1.1.0"))
    assert stale is not None
    reply = bot.container.bus.handle(bot.ctx("bob"), stale)
    assert reply.is_error and "out of date" in reply.text and len(request(bot).decisions) == 1
    assert bot.container.bus.handle(bot.ctx("bob"), c.Approve(1, stage=(2, 1, 0))).is_error is False


# --- added signers and hand-overs -------------------------------------------------------------------------------
def test_an_added_signer_gets_the_card_and_only_they_decide_that_step(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 20000 fees")
    bot.ok("bob", "approve A-1 add=@carol")
    bot.deliver()
    assert "2 of 3: @carol (added)" in bot.sent_to("carol")[-1]
    assert bot.sent_to("fay") == []  # finance waits for its step
    assert "waits for <@carol>" in bot.say("mia", "approve A-1").text
    bot.ok("carol", "approve A-1 fine by me")
    assert "3 of 3: finance" in bot.text("olive", "show A-1")
    assert "adding @carol as the next step" in bot.text("olive", "show A-1")


def test_a_signer_may_not_be_the_requester(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 20000 fees")
    reply = bot.say("bob", "approve A-1 add=@olive")
    assert reply.is_error and "can't take a step" in reply.text and request(bot).decisions == []


def test_a_delegated_step_goes_to_the_delegate_who_may_decide_it_without_the_role(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 20000 fees")
    bot.ok("bob", "approve A-1")
    bot.deliver()
    bot.ok("fay", "delegate A-1 @dan")
    bot.deliver()
    assert "2 of 2: finance → handed to @dan" in bot.sent_to("dan")[-1]
    assert "[Approve] approve A-1" in bot.sent_to("dan")[-1]
    assert "A-1" in bot.text("dan", "approvals")  # waiting for dan now
    again = bot.say("fay", "delegate A-1 @dan")
    assert again.is_error and "already with <@dan>" in again.text
    assert "decides step 1" in bot.say("fay", "delegate A-1 @bob").text  # bob decided step 1
    bot.ok("dan", "approve A-1")
    assert request(bot).status.value == "approved"


# --- cover while away -------------------------------------------------------------------------------------------
def test_an_approver_away_is_covered_by_their_delegate_until_the_date(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 20000 fees")
    bot.ok("bob", "approve A-1")
    reply = bot.ok("fay", "settings delegate=@gil until=+2d")
    assert "until 2026-11-27 Fri, covered by @gil" in bot.text("fay", "settings")
    assert not reply.is_error
    bot.deliver()
    to_gil = bot.sent_to("gil")
    assert "@fay is away until 2026-11-27 Fri and named you their delegate" in to_gil[0]
    assert "2 of 2: finance" in to_gil[1]  # the step waiting for fay
    bot.clock.advance(days=3)  # back: gil covers no more
    assert "needs a finance" in bot.say("gil", "approve A-1").text
    bot.clock.advance(days=-3)
    bot.ok("gil", "approve A-1 on fay's behalf")
    assert "for @fay, who is away" in bot.text("olive", "show A-1")


def test_away_cover_is_refused_for_oneself_or_a_past_date_and_ends_with_delegate_none(bot: TestBot) -> None:
    assert "yourself as your own delegate" in bot.say("fay", "settings delegate=@fay until=+2d").text
    assert "already passed" in bot.say("fay", "settings delegate=@gil until=2026-11-01").text
    bot.ok("fay", "settings delegate=@gil until=+2d")
    bot.ok("fay", "settings delegate=none")
    bot.deliver()
    assert "@fay no longer needs you" in bot.sent_to("gil")[-1]
    assert "Away         off" in bot.text("fay", "settings")


def test_the_cover_never_decides_what_the_colleague_away_could_not(bot: TestBot) -> None:
    bot.ok("alice", "role add @gil manager")
    bot.ok("olive", "budget request C-1 20000 fees")
    bot.ok("gil", "approve A-1")  # gil decided step 1 himself
    bot.ok("fay", "settings delegate=@gil until=+2d")
    reply = bot.say("gil", "approve A-1")
    assert reply.is_error and "already decided step 1" in reply.text
    bot.deliver()
    assert not any("2 of 2: finance" in text for text in bot.sent_to("gil"))  # so fay keeps her card
    assert any("2 of 2: finance" in text for text in bot.sent_to("fay"))


# --- copies, urging, attachments --------------------------------------------------------------------------------
def test_copies_are_read_only_and_change_in_place_with_every_decision(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 5000 fees")
    assert "only owner, manager, admin may" in bot.say("zed", "cc A-1 @li").text
    bot.ok("olive", "cc A-1 @li @zhao")
    bot.deliver()
    assert [t.ref for t, card, _ in bot.gateway.sent if t.ref in ("li", "zhao") and not card.buttons] == ["li", "zhao"]
    again = bot.say("olive", "cc A-1 @li")
    assert again.is_error and "already gets a copy" in again.text
    bot.ok("bob", "approve A-1")
    bot.deliver()
    assert "(approved)" in latest(bot, "li") and "(approved)" in latest(bot, "zhao")
    assert re.search(r"Copied to +@li, @zhao", bot.text("olive", "show A-1"))


def test_urge_reminds_whoever_holds_the_step_now_at_most_once_an_hour(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 5000 fees")
    bot.ok("bob", "delegate A-1 @dan")
    assert "only requester may" in bot.say("bob", "urge A-1").text
    assert "Reminded @dan" in bot.text("olive", "urge A-1")
    refused = bot.say("olive", "urge A-1")
    assert refused.is_error and "can be urged again from 2026-11-25 Wed 11:00" in refused.text
    bot.deliver()
    assert "The requester asks you to decide: Budget request A-1" in bot.sent_to("dan")[-1]
    assert "[Approve] approve A-1" in bot.sent_to("dan")[-1]
    bot.clock.advance(hours=1)
    bot.ok("olive", "urge A-1")
    assert len([m for m in rows(bot, AlertKind.APPROVAL_URGED.value) if m.target.ref == "dan"]) == 2


def test_an_attachment_is_on_every_copy_and_a_bad_link_is_refused(bot: TestBot) -> None:
    refused = bot.say("olive", "budget request C-1 5000 fees attach=quote.pdf")
    assert refused.is_error and "not a web link" in refused.text and not bot.store.table("approvals")
    bot.ok("olive", "budget request C-1 5000 fees attach=https://files.example.com/q/quote-0412.pdf")
    bot.deliver()
    for ref in ("bob", "mia", "local"):
        assert "📎 quote-0412.pdf  https://files.example.com/q/quote-0412.pdf" in latest(bot, ref)


def test_files_shared_with_the_command_are_attached(bot: TestBot) -> None:
    from dataclasses import replace

    from domain.attachments import link

    ctx = replace(bot.ctx("olive"), files=(link("https://files.example.com/contract.pdf"),))
    bot.container.bus.execute(ctx, "budget request C-1 5000 fees")
    assert [a.name for a in request(bot).attachments] == ["contract.pdf"]


# --- the plan and any overrun -----------------------------------------------------------------------------------
def test_the_card_shows_the_plan_and_the_overrun_and_decided_cards_no_if_approved_line(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 90000 first wave")
    bot.ok("bob", "approve A-1")
    bot.ok("fay", "approve A-1")
    pending = bot.text("olive", "budget request C-1 60000 second wave")
    assert "Planned budget  ¥100,000.00" in pending
    assert "Over plan       ¥50,000.00 (50.0% above the plan)" in pending
    assert "If approved     approved ¥150,000.00" in pending
    rejected = bot.text("bob", "reject A-2 not this quarter")
    assert "If approved" not in rejected and "Over plan" not in rejected
    approved = bot.text("olive", "show A-1")
    assert "After approval" in approved and "If approved" not in approved and "Over plan" not in approved


# --- reminders and the digest follow the step -------------------------------------------------------------------
def test_sla_reminders_go_to_the_delegate_and_count_from_the_hand_over(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 5000 fees")
    bot.clock.advance(hours=20)
    bot.ok("bob", "delegate A-1 @dan")
    bot.clock.advance(hours=5)  # 25 h since the request, 5 h since the hand-over
    bot.container.bus.run_system(c.ScanApprovals(bot.clock.now()))
    assert rows(bot, "approval.reminder") == []
    bot.clock.advance(hours=20)
    bot.container.bus.run_system(c.ScanApprovals(bot.clock.now()))
    assert [m.target.ref for m in rows(bot, "approval.reminder")] == ["dan"]


def test_the_digest_names_whoever_the_step_waits_for(bot: TestBot) -> None:
    assert not bot.say("mia", "subscribe all alerts=digest", channel="marketing").is_error
    bot.ok("olive", "budget request C-1 5000 fees")
    bot.ok("bob", "delegate A-1 @dan")
    bot.container.bus.run_system(c.SendDigests(bot.clock.now() + timedelta(hours=1)))
    [digest] = rows(bot, "digest")
    text = "\n".join(s["text"] for s in digest.payload["sections"])
    assert "A-1 ¥5,000.00" in text and "waiting for <@dan>" in text


def test_a_move_that_is_not_a_decision_leaves_the_approvers_buttons_live(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 20000 fees")
    bot.deliver()
    bot.ok("olive", "cc A-1 @li")
    bot.ok("bob", "delegate A-1 @dan")
    bot.deliver()
    updates = {channel: card for channel, _, card in bot.gateway.updated}
    assert "Copied to" in render_fields(updates["bob"]) and "handed to @dan" in render_fields(updates["local"])
    assert [b.command for b in updates["bob"].buttons][:1] == ["approve A-1"]  # still his to decide
    assert updates["bob"].buttons[0].action.stage == "1.1.1"  # for the turn that waits now
    assert updates["local"].buttons == () and updates["li"].buttons == ()  # the summary and the copy: read-only
    before = len(bot.gateway.updated)
    bot.ok("mia", "approve A-1")  # a role holder still may
    bot.deliver()
    after = bot.gateway.updated[before:]
    assert {channel for channel, _, _ in after} >= {"bob", "mia", "dan", "li", "local"}
    assert all(card.buttons == () for _, _, card in after)  # a decision ends what every button acted on


def render_fields(card) -> str:  # type: ignore[no-untyped-def]
    from adapters.console.render import render

    return render(card)
