"""Budget approvals: policy tiers, or-sign, no self-approval, one step per person, idempotent decisions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.approval import (
    DEFAULT_POLICY,
    ApprovalStatus,
    Outcome,
    Policy,
    Tier,
    check_staffed,
    first_unstaffed_step,
)
from domain.errors import (
    AlreadyDecided,
    DecidedEarlierStep,
    InvalidInput,
    InvalidTransition,
    NoEligibleApprover,
    NotAllowed,
    NotCurrentApprover,
    PolicyError,
    SelfApproval,
)
from domain.people import Role
from tests.unit.domain_builders import NOW, request

MANAGER, FINANCE, ADMIN = Role.MANAGER, Role.FINANCE, Role.ADMIN
LATER = NOW + timedelta(hours=1)


# --- policy -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("amount", "steps"), [
    ("0.01", (MANAGER,)),
    ("10000", (MANAGER,)),
    ("10000.01", (MANAGER, FINANCE)),
    ("100000", (MANAGER, FINANCE)),
    ("100000.01", (MANAGER, FINANCE, ADMIN)),
    ("99999999", (MANAGER, FINANCE, ADMIN)),
])
def test_default_policy_tiers(amount: str, steps: tuple[Role, ...]) -> None:
    assert DEFAULT_POLICY.steps_for(Decimal(amount)) == steps


@pytest.mark.parametrize(("tiers", "message"), [
    ((), "no tiers"),
    ((Tier(Decimal("10"), (MANAGER,)),), "last tier must have no upper bound"),
    ((Tier(Decimal("10"), (MANAGER,)), Tier(Decimal("5"), (FINANCE,)), Tier(None, (ADMIN,))), "increasing"),
    ((Tier(Decimal("10"), (MANAGER,)), Tier(Decimal("10"), (FINANCE,)), Tier(None, (ADMIN,))), "increasing"),
    ((Tier(None, (MANAGER,)), Tier(None, (ADMIN,))), "only the last tier may be open-ended"),
    ((Tier(Decimal("10"), ()), Tier(None, (ADMIN,))), "at least one step"),
    ((Tier(Decimal("NaN"), (MANAGER,)), Tier(Decimal("10"), (FINANCE,)), Tier(None, (ADMIN,))), "positive amount"),
    ((Tier(Decimal("Infinity"), (MANAGER,)), Tier(None, (ADMIN,))), "positive amount"),
    ((Tier(Decimal("0"), (MANAGER,)), Tier(None, (ADMIN,))), "positive amount"),
    ((Tier(Decimal("-5"), (MANAGER,)), Tier(None, (ADMIN,))), "positive amount"),
])
def test_bad_policies(tiers: tuple[Tier, ...], message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        Policy(tiers)
    assert message in str(caught.value)


# --- deciding ---------------------------------------------------------------------------------------------------
def test_one_step_request_is_approved_by_any_manager() -> None:
    subject = request(8_000)
    decision = subject.approve("mia", {MANAGER}, "  fine ", NOW)
    assert (decision.step, decision.role, decision.decider, decision.outcome, decision.comment, decision.at) == (
        0, MANAGER, "mia", Outcome.APPROVED, "fine", NOW)
    assert subject.status is ApprovalStatus.APPROVED and subject.closed_at == NOW


def test_or_sign_any_holder_of_the_role_decides_the_step() -> None:
    for manager in ("mia", "max"):
        subject = request(8_000)
        subject.approve(manager, {MANAGER}, "", NOW)
        assert subject.status is ApprovalStatus.APPROVED and len(subject.decisions) == 1


def test_three_steps_walk_in_order() -> None:
    subject = request(150_000)
    assert subject.current_role is MANAGER
    subject.approve("mia", {MANAGER}, "", NOW)
    assert (subject.status, subject.current_step, subject.current_role) == (ApprovalStatus.PENDING, 1, FINANCE)
    subject.approve("fay", {FINANCE}, "", NOW)
    assert subject.current_role is ADMIN
    subject.approve("ada", {ADMIN}, "", LATER)
    assert subject.status is ApprovalStatus.APPROVED and subject.closed_at == LATER and subject.current_role is None
    assert [d.step for d in subject.decisions] == [0, 1, 2]


def test_no_self_approval_even_holding_the_role() -> None:
    subject = request(8_000, requester="mia")
    with pytest.raises(SelfApproval) as caught:
        subject.approve("mia", {MANAGER, FINANCE, ADMIN}, "", NOW)
    assert caught.value.params == {"ref": "A-7"}
    assert subject.status is ApprovalStatus.PENDING and not subject.decisions
    assert not subject.may_decide("mia", {MANAGER})


def test_nobody_decides_two_steps() -> None:
    subject = request(50_000)
    subject.approve("mia", {MANAGER, FINANCE}, "", NOW)
    assert not subject.may_decide("mia", {MANAGER, FINANCE})
    with pytest.raises(DecidedEarlierStep) as caught:
        subject.approve("mia", {MANAGER, FINANCE}, "", LATER)
    assert caught.value.params == {"ref": "A-7", "step": 1, "at": NOW}
    with pytest.raises(DecidedEarlierStep):
        subject.reject("mia", {MANAGER, FINANCE}, "changed my mind", LATER)
    assert subject.current_step == 1 and len(subject.decisions) == 1
    subject.approve("fay", {FINANCE}, "", LATER)
    assert subject.status is ApprovalStatus.APPROVED


def test_the_wrong_role_is_told_which_step_and_role() -> None:
    subject = request(50_000)
    with pytest.raises(NotCurrentApprover) as caught:
        subject.approve("fay", {FINANCE}, "", NOW)
    assert caught.value.params == {"ref": "A-7", "step": 1, "role": "manager"}
    assert not subject.may_decide("fay", {FINANCE}) and subject.may_decide("mia", {MANAGER})


def test_a_second_click_after_approval_changes_nothing_and_says_who_and_when() -> None:
    subject = request(8_000)
    subject.approve("mia", {MANAGER}, "", NOW)
    for clicker in ("mia", "max"):
        with pytest.raises(AlreadyDecided) as caught:
            subject.approve(clicker, {MANAGER}, "", LATER)
        assert caught.value.params == {"ref": "A-7", "outcome": "approved", "by": "mia", "at": NOW}
    assert len(subject.decisions) == 1 and subject.closed_at == NOW


def test_a_click_after_rejection_says_who_rejected_and_when() -> None:
    subject = request(50_000)
    subject.approve("mia", {MANAGER}, "", NOW)
    subject.reject("fay", {FINANCE}, " over the cap ", LATER)
    assert subject.status is ApprovalStatus.REJECTED and subject.decisions[-1].comment == "over the cap"
    with pytest.raises(AlreadyDecided) as caught:
        subject.approve("fred", {FINANCE}, "", LATER + timedelta(minutes=5))
    assert caught.value.params == {"ref": "A-7", "outcome": "rejected", "by": "fay", "at": LATER}


def test_a_click_after_withdrawal_says_the_requester_withdrew_it() -> None:
    subject = request(8_000)
    subject.withdraw("olive", LATER)
    with pytest.raises(AlreadyDecided) as caught:
        subject.approve("mia", {MANAGER}, "", LATER + timedelta(minutes=5))
    assert caught.value.params == {"ref": "A-7", "outcome": "withdrawn", "by": "olive", "at": LATER}


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_needs_a_reason(reason: str) -> None:
    subject = request(8_000)
    with pytest.raises(InvalidInput) as caught:
        subject.reject("mia", {MANAGER}, reason, NOW)
    assert caught.value.params["reason"] == "reason_required"
    assert subject.status is ApprovalStatus.PENDING


def test_withdraw_is_for_the_requester() -> None:
    subject = request(8_000)
    with pytest.raises(NotAllowed) as caught:
        subject.withdraw("mia", NOW)
    assert caught.value.params == {"action": "withdraw", "allowed": ("requester",)}
    assert subject.status is ApprovalStatus.PENDING


@pytest.mark.parametrize("close", [
    lambda r: r.approve("mia", {MANAGER}, "", NOW),
    lambda r: r.reject("mia", {MANAGER}, "no", NOW),
    lambda r: r.withdraw("olive", NOW),
])
def test_withdraw_only_while_pending(close: object) -> None:
    subject = request(8_000)
    close(subject)  # type: ignore[operator]
    status = subject.status
    with pytest.raises(InvalidTransition) as caught:
        subject.withdraw("olive", LATER)
    assert caught.value.params["current"] == status.value and caught.value.params["action"] == "withdraw"
    assert subject.status is status


@pytest.mark.parametrize(("fields", "reason"), [({"amount": 0}, "amount_not_positive"),
                                                ({"amount": -5}, "amount_not_positive"),
                                                ({"reason": " "}, "reason_required")])
def test_invalid_requests(fields: dict[str, object], reason: str) -> None:
    amount = fields.pop("amount", 8_000)
    with pytest.raises(InvalidInput) as caught:
        request(amount, **fields)  # type: ignore[arg-type]
    assert caught.value.params["reason"] == reason


# --- staffing ---------------------------------------------------------------------------------------------------
STEPS_2 = (MANAGER, FINANCE)
STEPS_3 = (MANAGER, FINANCE, ADMIN)


@pytest.mark.parametrize(("steps", "holders", "requester", "unstaffed"), [
    (STEPS_2, {MANAGER: {"mia"}, FINANCE: {"fay"}}, "olive", None),
    (STEPS_2, {MANAGER: {"mia"}}, "olive", 1),
    (STEPS_2, {}, "olive", 0),
    (STEPS_2, {MANAGER: {"olive"}, FINANCE: {"fay"}}, "olive", 0),  # the requester is the only manager
    (STEPS_2, {MANAGER: {"mia"}, FINANCE: {"mia"}}, "olive", 1),  # one person, two roles: not both steps
    (STEPS_2, {MANAGER: {"mia", "fay"}, FINANCE: {"mia"}}, "olive", None),  # fay takes step 1, mia step 2
    (STEPS_2, {MANAGER: {"mia", "fay"}, FINANCE: {"mia"}}, "fay", 1),
    (STEPS_3, {MANAGER: {"mia"}, FINANCE: {"mia", "fay"}, ADMIN: {"ada"}}, "olive", None),
    (STEPS_3, {MANAGER: {"mia"}, FINANCE: {"mia", "fay"}, ADMIN: {"fay"}}, "olive", 2),
    (STEPS_3, {MANAGER: {"ada", "mia"}, FINANCE: {"fay"}, ADMIN: {"ada"}}, "olive", None),  # ada must wait for step 3
    (STEPS_3, {MANAGER: {"mia"}, FINANCE: {"fay"}, ADMIN: {"mia", "fay"}}, "olive", 2),
    (STEPS_3, {MANAGER: {"ada"}, FINANCE: {"ada"}, ADMIN: {"ada"}}, "olive", 1),
    ((MANAGER,), {MANAGER: {"olive"}}, "olive", 0),
])
def test_first_unstaffed_step(steps: tuple[Role, ...], holders: dict[Role, set[str]], requester: str,
                              unstaffed: int | None) -> None:
    assert first_unstaffed_step(steps, holders, requester) == unstaffed


def test_check_staffed_names_the_step_and_role_counting_from_one() -> None:
    check_staffed(STEPS_2, {MANAGER: {"mia"}, FINANCE: {"fay"}}, "olive")
    with pytest.raises(NoEligibleApprover) as caught:
        check_staffed(STEPS_2, {MANAGER: {"mia"}, FINANCE: {"mia"}}, "olive")
    assert caught.value.params == {"step": 2, "role": "finance"}
