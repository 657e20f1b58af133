"""The approval desk's rules on the request itself: return and revise by rounds, added signers, hand-overs, cover
for someone away, copies, urging, and buttons bound to the step their card showed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.approval import ApprovalStatus, Outcome, Signer, Step
from domain.attachments import Attachment, link, merged
from domain.errors import (
    AlreadyDecided,
    AlreadyDelegated,
    DecidedEarlierStep,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    NotCurrentApprover,
    NotNamedApprover,
    PersonDecidedEarlier,
    PersonIsRequester,
    SelfApproval,
    StaleCard,
    UrgedRecently,
)
from domain.money import Money
from domain.people import Role
from tests.unit.domain_builders import NOW, request

MANAGER, FINANCE, ADMIN = Role.MANAGER, Role.FINANCE, Role.ADMIN
LATER = NOW + timedelta(hours=1)


def two_steps():  # type: ignore[no-untyped-def]
    return request(amount="20000", requester="olive")


def cny(amount: str) -> Money:
    return Money(Decimal(amount), "CNY")


# --- return and revise ------------------------------------------------------------------------------------------
def test_return_sends_it_back_without_closing_it_and_nothing_more_can_be_decided() -> None:
    r = two_steps()
    decision = r.return_("bob", {MANAGER}, "split the venue from the KOL fee", NOW)
    assert r.status is ApprovalStatus.RETURNED and r.is_open and r.closed_at is None
    assert decision.outcome is Outcome.RETURNED and decision.comment == "split the venue from the KOL fee"
    with pytest.raises(AlreadyDecided) as caught:
        r.approve("mia", {MANAGER}, "", LATER)
    assert caught.value.params["outcome"] == "returned" and caught.value.params["by"] == "bob"


def test_return_needs_a_reason_and_an_approver_of_the_step() -> None:
    r = two_steps()
    with pytest.raises(InvalidInput):
        r.return_("bob", {MANAGER}, "  ", NOW)
    with pytest.raises(NotCurrentApprover):
        r.return_("fay", {FINANCE}, "no", NOW)
    with pytest.raises(SelfApproval):
        r.return_("olive", {MANAGER}, "no", NOW)
    assert r.status is ApprovalStatus.PENDING and r.decisions == []


def test_revise_starts_a_new_round_from_step_one_with_the_new_steps() -> None:
    r = two_steps()
    r.approve("bob", {MANAGER}, "", NOW)
    r.return_("fay", {FINANCE}, "too little for two weeks", NOW)
    steps = (Step(MANAGER), Step(FINANCE), Step(ADMIN))
    r.revise("olive", cny("120000"), "two weeks", steps, LATER)
    assert (r.status, r.round, r.current_step, r.amount, r.steps) == (
        ApprovalStatus.PENDING, 2, 0, cny("120000"), steps)
    assert len(r.decisions) == 2 and r.step_since == LATER  # the first round stays in the trail
    r.approve("bob", {MANAGER}, "", LATER)  # bob decided step 1 of round 1: a new round, a new chain
    assert r.current_step == 1 and r.stage == (2, 2, 0)


def test_only_the_requester_revises_and_only_while_returned() -> None:
    r = two_steps()
    with pytest.raises(InvalidTransition):
        r.revise("olive", cny("1"), "x", (Step(MANAGER),), NOW)
    r.return_("bob", {MANAGER}, "why", NOW)
    with pytest.raises(NotAllowed):
        r.revise("bob", cny("1"), "x", (Step(MANAGER),), NOW)
    with pytest.raises(InvalidInput):
        r.revise("olive", cny("0"), "x", (Step(MANAGER),), NOW)


def test_withdraw_works_while_returned() -> None:
    r = two_steps()
    r.return_("bob", {MANAGER}, "why", NOW)
    r.withdraw("olive", LATER)
    assert r.status is ApprovalStatus.WITHDRAWN and not r.is_open


# --- added signers ----------------------------------------------------------------------------------------------
def test_approve_adding_a_signer_puts_their_step_right_after_and_only_they_decide_it() -> None:
    r = two_steps()
    decision = r.approve("bob", {MANAGER}, "", NOW, add="carol")
    assert decision.added == "carol" and [str(s) for s in r.steps] == ["manager", "@carol", "finance"]
    with pytest.raises(NotNamedApprover) as caught:
        r.approve("fay", {FINANCE, MANAGER, ADMIN}, "", NOW)
    assert caught.value.params == {"ref": r.ref, "step": 2, "user": "carol"}
    r.approve("carol", set(), "", NOW)
    assert r.current_role is FINANCE and r.status is ApprovalStatus.PENDING


@pytest.mark.parametrize(("person", "error"), [
    ("olive", PersonIsRequester), ("bob", PersonDecidedEarlier),
])
def test_a_signer_is_never_the_requester_nor_the_approver_adding_them(person: str, error: type[Exception]) -> None:
    r = two_steps()
    with pytest.raises(error):
        r.approve("bob", {MANAGER}, "", NOW, add=person)
    assert r.decisions == [] and len(r.steps) == 2


def test_the_last_step_approved_with_a_signer_keeps_the_request_pending() -> None:
    r = request(amount="5000", requester="olive")
    r.approve("bob", {MANAGER}, "", NOW, add="carol")
    assert r.status is ApprovalStatus.PENDING and r.current is not None and r.current.signer == "carol"


# --- hand-overs -------------------------------------------------------------------------------------------------
def test_a_delegate_decides_without_the_role_and_the_roles_holders_still_may() -> None:
    r = two_steps()
    assert r.delegate("bob", {MANAGER}, "dan", NOW) == 0
    assert r.current is not None and r.current.delegate == "dan" and r.may_decide("dan", set())
    assert r.may_decide("mia", {MANAGER})
    r.approve("dan", set(), "", LATER)
    assert r.decisions[-1].decider == "dan" and r.current_role is FINANCE


def test_a_delegate_is_never_the_requester_nor_an_earlier_decider_and_twice_changes_nothing() -> None:
    r = two_steps()
    r.approve("bob", {MANAGER}, "", NOW)
    with pytest.raises(PersonIsRequester):
        r.delegate("fay", {FINANCE}, "olive", NOW)
    with pytest.raises(PersonDecidedEarlier) as caught:
        r.delegate("fay", {FINANCE}, "bob", NOW)
    assert caught.value.params["step"] == 1
    with pytest.raises(InvalidInput):
        r.delegate("fay", {FINANCE}, "fay", NOW)
    r.delegate("fay", {FINANCE}, "gil", NOW)
    version_of_steps = r.steps
    with pytest.raises(AlreadyDelegated):
        r.delegate("fay", {FINANCE}, "gil", LATER)
    assert r.steps == version_of_steps


def test_only_an_approver_of_the_step_hands_it_over() -> None:
    r = two_steps()
    with pytest.raises(NotCurrentApprover):
        r.delegate("fay", {FINANCE}, "dan", NOW)
    with pytest.raises(SelfApproval):
        r.delegate("olive", {MANAGER}, "dan", NOW)


# --- cover while away -------------------------------------------------------------------------------------------
def test_cover_decides_for_the_colleague_away_and_the_trail_says_so() -> None:
    r = two_steps()
    covering = (Signer("bob", frozenset({MANAGER})),)
    assert r.may_decide("gil", set(), covering) and not r.may_decide("gil", set())
    decision = r.approve("gil", set(), "for bob", NOW, covering=covering)
    assert (decision.decider, decision.on_behalf) == ("gil", "bob")
    with pytest.raises(DecidedEarlierStep):  # bob decided step 1 through gil: not step 2 as well
        r.approve("bob", {FINANCE}, "", NOW)


def test_cover_has_the_same_exclusions() -> None:
    r = two_steps()
    r.approve("gil", {MANAGER}, "", NOW)
    with pytest.raises(DecidedEarlierStep):  # gil decided step 1 himself
        r.approve("gil", set(), "", NOW, covering=(Signer("fay", frozenset({FINANCE})),))
    mine = request(amount="20000", requester="bob")
    with pytest.raises(NotCurrentApprover):  # bob asked for it, so his cover can't decide it for him
        mine.approve("gil", set(), "", NOW, covering=(Signer("bob", frozenset({MANAGER})),))


# --- copies, urging, attachments --------------------------------------------------------------------------------
def test_copies_keep_each_person_once_and_never_the_requester() -> None:
    r = two_steps()
    assert r.copy_to(["li", "zhao", "li", "olive"]) == ("li", "zhao")
    assert r.copy_to(["zhao", "wang"]) == ("wang",) and r.cc == ("li", "zhao", "wang")


def test_urge_is_the_requesters_at_most_once_an_hour() -> None:
    r = two_steps()
    with pytest.raises(NotAllowed):
        r.urge("bob", NOW)
    r.urge("olive", NOW)
    with pytest.raises(UrgedRecently) as caught:
        r.urge("olive", NOW + timedelta(minutes=59))
    assert caught.value.params["next_at"] == NOW + timedelta(hours=1)
    r.urge("olive", NOW + timedelta(hours=1))


def test_a_link_becomes_a_named_attachment_safe_for_link_markup() -> None:
    assert link("https://files.example.com/q/quote%20v2.pdf") == Attachment(
        "quote v2.pdf", "https://files.example.com/q/quote%20v2.pdf")
    assert link("<https://x.example/a.pdf|the quote>") == Attachment("a.pdf", "https://x.example/a.pdf")
    assert link("https://x.example/a(1)").url == "https://x.example/a%281%29"
    assert link("https://x.example/a|b>c").url == "https://x.example/a%7Cb%3Ec"
    for bad in ("ftp://x/y", "quote.pdf", "https://", "javascript:alert(1)", "https://x.example/a b"):
        with pytest.raises(InvalidInput):
            link(bad)


def test_attachments_are_kept_once_each_and_at_most_ten() -> None:
    a, b = link("https://x.example/a.pdf"), link("https://x.example/b.pdf")
    assert merged((a,), (a, b)) == (a, b)
    with pytest.raises(InvalidInput):
        merged((), tuple(link(f"https://x.example/{n}.pdf") for n in range(11)))


# --- buttons act on the step their card showed ------------------------------------------------------------------
def test_a_button_from_an_earlier_holder_of_the_step_changes_nothing_and_a_repeated_hand_over_says_so() -> None:
    r = two_steps()
    r.delegate("bob", {MANAGER}, "dan", NOW, seen=(1, 1, 0))
    assert r.stage == (1, 1, 1)
    with pytest.raises(AlreadyDelegated):
        r.delegate("bob", {MANAGER}, "dan", NOW, seen=(1, 1, 0))
    with pytest.raises(StaleCard):
        r.delegate("mia", {MANAGER}, "gil", NOW, seen=(1, 1, 0))
    with pytest.raises(StaleCard):
        r.expect((1, 1, 0))
    r.expect((1, 1, 1))


def test_a_button_from_an_earlier_step_or_round_changes_nothing() -> None:
    r = two_steps()
    r.expect((1, 1, 0))
    r.approve("bob", {MANAGER}, "", NOW)
    with pytest.raises(StaleCard):
        r.expect((1, 1, 0))
    r.return_("fay", {FINANCE}, "why", NOW)
    with pytest.raises(AlreadyDecided):
        r.expect((1, 2, 0))
    r.revise("olive", r.amount, "again", (Step(MANAGER), Step(FINANCE)), LATER)
    with pytest.raises(StaleCard):
        r.expect((1, 1, 0))
    r.expect((2, 1, 0))
