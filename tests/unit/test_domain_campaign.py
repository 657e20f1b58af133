"""The campaign lifecycle: every allowed transition, every refused one with the allowed list, and moving dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.campaign import Action, Status, allowed_actions
from domain.errors import BudgetNotApproved, InvalidInput, InvalidTransition
from domain.money import Money
from tests.unit.domain_builders import campaign, cny, dated_campaign

NONE_APPROVED = Money.zero("CNY")

ALLOWED = [
    (Status.PLANNING, Action.START, Status.ACTIVE),
    (Status.PLANNING, Action.CANCEL, Status.CANCELLED),
    (Status.ACTIVE, Action.PAUSE, Status.PAUSED),
    (Status.ACTIVE, Action.COMPLETE, Status.COMPLETED),
    (Status.ACTIVE, Action.CANCEL, Status.CANCELLED),
    (Status.PAUSED, Action.START, Status.ACTIVE),
    (Status.PAUSED, Action.CANCEL, Status.CANCELLED),
    (Status.COMPLETED, Action.REOPEN, Status.ACTIVE),  # issue 11: reopen
    (Status.CANCELLED, Action.REOPEN, Status.ACTIVE),
]
ALLOWED_NOW = {
    Status.PLANNING: ("start", "cancel"),
    Status.ACTIVE: ("pause", "complete", "cancel"),
    Status.PAUSED: ("start", "cancel"),
    Status.COMPLETED: ("reopen",),
    Status.CANCELLED: ("reopen",),
}
REFUSED = [(status, action) for status in Status for action in Action
           if (status, action) not in {(s, a) for s, a, _ in ALLOWED}]


@pytest.mark.parametrize(("before", "action", "after"), ALLOWED)
def test_allowed_transition(before: Status, action: Action, after: Status) -> None:
    subject = campaign(status=before)
    assert subject.transition(action, NONE_APPROVED) is after
    assert subject.status is after


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_refused_transition_names_the_allowed_ones(status: Status, action: Action) -> None:
    subject = campaign(status=status)
    with pytest.raises(InvalidTransition) as caught:
        subject.transition(action, NONE_APPROVED)
    assert caught.value.params == {"ref": "C-1", "current": status.value, "action": action.value,
                                   "allowed": ALLOWED_NOW[status]}
    assert subject.status is status


def test_every_status_and_action_is_covered() -> None:
    assert len(ALLOWED) + len(REFUSED) == len(Status) * len(Action)
    assert {s: allowed_actions(s) for s in Status} == ALLOWED_NOW


@pytest.mark.parametrize("status", [Status.PLANNING, Status.PAUSED])
def test_start_needs_an_approved_budget_when_there_is_a_budget(status: Status) -> None:
    subject = campaign(budget=cny(50_000), status=status)
    with pytest.raises(BudgetNotApproved) as caught:
        subject.transition(Action.START, NONE_APPROVED)
    assert caught.value.params == {"ref": "C-1"}
    assert subject.status is status
    assert subject.transition(Action.START, cny("0.01")) is Status.ACTIVE


@pytest.mark.parametrize("budget", [None, Money.zero("CNY")])
def test_start_without_a_budget_needs_no_approval(budget: Money | None) -> None:
    assert campaign(budget=budget).transition(Action.START, NONE_APPROVED) is Status.ACTIVE


def test_cancel_does_not_need_an_approved_budget() -> None:
    assert campaign(budget=cny(50_000)).transition(Action.CANCEL, NONE_APPROVED) is Status.CANCELLED


def test_move_shifts_every_date_by_the_launch_shift() -> None:
    subject = dated_campaign()
    shift = subject.move_to(date(2026, 7, 22))
    assert shift == timedelta(days=7)
    assert (subject.start, subject.launch, subject.end) == (date(2026, 7, 8), date(2026, 7, 22), date(2026, 8, 7))


def test_move_earlier() -> None:
    subject = dated_campaign()
    assert subject.move_to(date(2026, 7, 10)) == timedelta(days=-5)
    assert (subject.start, subject.launch, subject.end) == (date(2026, 6, 26), date(2026, 7, 10), date(2026, 7, 26))


def test_move_without_a_launch_moves_from_the_start() -> None:
    subject = campaign(start=date(2026, 11, 1), end=date(2026, 11, 11))
    assert subject.move_to(date(2026, 11, 3)) == timedelta(days=2)
    assert (subject.start, subject.launch, subject.end) == (date(2026, 11, 3), None, date(2026, 11, 13))


def test_move_without_any_date_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        campaign().move_to(date(2026, 7, 1))
    assert caught.value.params["reason"] == "no_anchor"


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CANCELLED])
def test_a_closed_campaign_cannot_move(status: Status) -> None:
    subject = dated_campaign(status=status)
    with pytest.raises(InvalidTransition) as caught:
        subject.move_to(date(2026, 8, 1))
    assert caught.value.params["action"] == "move" and caught.value.params["allowed"] == ("reopen",)
    assert subject.launch == date(2026, 7, 15)


@pytest.mark.parametrize("status", [Status.PLANNING, Status.ACTIVE, Status.PAUSED])
def test_an_open_campaign_can_move(status: Status) -> None:
    assert dated_campaign(status=status).move_to(date(2026, 7, 16)) == timedelta(days=1)


@pytest.mark.parametrize(("fields", "reason"), [
    ({"name": "  "}, "empty_name"),
    ({"name": "x" * 201}, "too_long"),
    ({"start": date(2026, 7, 2), "end": date(2026, 7, 1)}, "end_before_start"),
    ({"kpis": {"reach": 1}}, "bad_kpi"),
])
def test_invalid_campaigns(fields: dict[str, object], reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        campaign(**fields)
    assert caught.value.params["reason"] == reason


@pytest.mark.parametrize(("fields", "days"), [
    ({}, None),
    ({"launch": date(2026, 7, 15)}, (date(2026, 7, 15), date(2026, 7, 15))),
    ({"start": date(2026, 7, 1), "end": date(2026, 7, 31)}, (date(2026, 7, 1), date(2026, 7, 31))),
    ({"start": date(2026, 7, 1), "launch": date(2026, 7, 15)}, (date(2026, 7, 1), date(2026, 7, 15))),
    ({"start": date(2026, 7, 20), "launch": date(2026, 7, 15)}, (date(2026, 7, 15), date(2026, 7, 20))),
    ({"start": date(2026, 7, 1)}, None),
])
def test_days(fields: dict[str, object], days: tuple[date, date] | None) -> None:
    assert campaign(**fields).days() == days
