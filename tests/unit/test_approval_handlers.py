"""Budget requests and their multi-step approval through the real bus, with the notifications they cause."""

from __future__ import annotations

import pytest

from domain.notifications import AlertKind
from tests.builders import TestBot


@pytest.fixture
def bot() -> TestBot:
    bot = TestBot()
    bot.ok("alice", "role add @bob manager")
    bot.ok("alice", "role add @fay finance")
    bot.ok("olive", 'new "Spring Launch" budget=200k launch=2027-03-01')
    return bot


def request(bot: TestBot, number: int = 1):
    return bot.store.table("approvals")[number]


def outbox(bot: TestBot) -> list:
    return list(bot.store.table("outbox").values())


@pytest.mark.parametrize("amount, steps", [
    ("10000", ["manager"]), ("10000.01", ["manager", "finance"]), ("100000", ["manager", "finance"]),
    ("100001", ["manager", "finance", "admin"]),
])
def test_policy_picks_the_steps_by_amount(bot: TestBot, amount: str, steps: list[str]) -> None:
    bot.ok("olive", f"budget request C-1 {amount} reason")
    assert [str(step) for step in request(bot).steps] == steps


def test_manager_then_finance_then_the_ledger_is_updated(bot: TestBot) -> None:
    bot.ok("olive", 'budget request C-1 20000 "KOL fees for week 2"')
    assert "1 of 2: manager" in bot.text("bob", "approvals")
    assert "Nothing waiting" in bot.text("fay", "approvals")
    bot.ok("bob", "approve A-1 ok")
    assert "2 of 2: finance" in bot.text("fay", "approvals")
    bot.ok("fay", 'approve A-1 "ok, keep within plan"')
    assert request(bot).status.value == "approved"
    ledger = bot.text("olive", "budget C-1")
    assert "Approved                 ¥20,000.00" in ledger and "Remaining                ¥20,000.00" in ledger


def test_self_approval_is_refused_and_changes_nothing(bot: TestBot) -> None:
    bot.ok("alice", "role add @olive manager")
    bot.ok("olive", "budget request C-1 5000 fees")
    reply = bot.say("olive", "approve A-1")
    assert reply.is_error and "You requested A-1" in reply.text
    assert request(bot).decisions == [] and request(bot).status.value == "pending"


def test_nobody_decides_two_steps(bot: TestBot) -> None:
    bot.ok("alice", "role add @fay manager")
    bot.ok("olive", "budget request C-1 20000 fees")
    bot.ok("fay", "approve A-1")
    reply = bot.say("fay", "approve A-1")
    assert reply.is_error and "already decided step 1" in reply.text


def test_a_step_with_no_eligible_approver_is_refused_on_creation(bot: TestBot) -> None:
    bot.ok("alice", "role remove @fay finance")
    reply = bot.say("olive", "budget request C-1 20000 fees")
    assert reply.is_error and "Step 2 would need a finance" in reply.text and "role add @user finance" in reply.text
    assert not bot.store.table("approvals")


def test_a_second_click_changes_nothing_and_says_who_decided(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 5000 fees")
    bot.ok("bob", "approve A-1")
    bot.ok("alice", "role add @mia manager")
    reply = bot.say("mia", "approve A-1")
    assert reply.is_error and "A-1 was already approved by <@bob> at 2026-11-25 Wed 10:00" in reply.text
    assert len(request(bot).decisions) == 1


def test_reject_needs_a_reason_and_closes_the_request(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 5000 fees")
    assert bot.say("bob", "reject A-1").is_error
    bot.ok("bob", "reject A-1 over the cap")
    assert request(bot).status.value == "rejected"
    assert "Approved                 ¥0.00" in bot.text("olive", "budget C-1")


def test_only_the_requester_withdraws_and_only_while_pending(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 5000 fees")
    assert "only requester may" in bot.say("bob", "withdraw A-1").text
    bot.ok("olive", "withdraw A-1")
    assert request(bot).status.value == "withdrawn"
    assert bot.say("olive", "withdraw A-1").is_error
    assert "already withdrawn by <@olive>" in bot.say("bob", "approve A-1").text


def test_approvers_get_a_card_the_channel_a_summary_and_every_copy_updates(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 20000 fees")
    bot.deliver()
    assert [t.ref for t, _, _ in bot.gateway.sent] == ["bob", "local"]
    dm = bot.gateway.sent[0][1]
    assert [b.command for b in dm.buttons] == ["approve A-1", "reject A-1 <reason>", "return A-1 <reason>",
                                                "delegate A-1 @user"]
    assert bot.gateway.sent[1][1].buttons == ()  # the channel summary
    bot.ok("bob", "approve A-1")
    bot.deliver()
    assert {t.ref for t, _, _ in bot.gateway.sent[2:]} == {"olive", "fay"}  # requester told, next approver
    updated = {(channel, card.buttons) for channel, _, card in bot.gateway.updated}
    assert ("bob", ()) in updated and ("local", ()) in updated
    bot.ok("fay", "approve A-1")
    bot.deliver()
    assert all("(approved)" in card.title for _, _, card in bot.gateway.updated[-4:])


def test_requester_hears_of_every_decision(bot: TestBot) -> None:
    bot.ok("olive", "budget request C-1 20000 fees")
    bot.ok("bob", "approve A-1")
    bot.ok("fay", "reject A-1 not this quarter")
    told = [m for m in outbox(bot) if m.kind == AlertKind.APPROVAL_DECIDED.value]
    assert [m.target.ref for m in told] == ["olive", "olive"]


def test_show_has_the_audit_trail(bot: TestBot) -> None:
    bot.ok("olive", 'budget request C-1 20000 "KOL fees"')
    bot.ok("bob", "approve A-1 fine")
    text = bot.text("olive", "show A-1")
    assert "requested budget — KOL fees" in text and "@bob  approved — fine" in text


def test_approvals_mine_lists_only_what_i_may_decide(bot: TestBot) -> None:
    bot.ok("alice", "role add @olive manager")
    bot.ok("olive", "budget request C-1 5000 fees")
    assert "A-1" not in bot.text("olive", "approvals")
    assert "A-1" in bot.text("olive", "approvals pending")
    assert "A-1" in bot.text("bob", "approvals mine")


def test_each_copy_is_updated_in_the_language_it_was_sent_in(bot: TestBot) -> None:
    bot.ok("alice", "role add @mia manager")
    bot.ok("bob", "settings lang=zh")
    bot.ok("olive", "budget request C-1 5000 fees")
    bot.deliver()
    assert "预算申请 A-1" in bot.sent_to("bob")[0]  # bob reads Chinese
    bot.ok("mia", "approve A-1")
    bot.deliver()
    updated = {channel: card.title for channel, _, card in bot.gateway.updated}
    assert updated["bob"].startswith("预算申请 A-1") and "（已批准）" in updated["bob"]
    assert updated["mia"].startswith("Budget request A-1") and updated["local"].startswith("Budget request A-1")
