"""Tasks: their moves, a block needs a reason, overdue and on-time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import InvalidInput, InvalidTransition
from domain.task import Task, TaskStatus
from tests.unit.domain_builders import NOW, task

TODO, DOING, BLOCKED, DONE = TaskStatus.TODO, TaskStatus.DOING, TaskStatus.BLOCKED, TaskStatus.DONE
ALLOWED = {
    ("start", TODO): DOING, ("start", BLOCKED): DOING,
    ("done", TODO): DONE, ("done", DOING): DONE, ("done", BLOCKED): DONE,
    ("reopen", DONE): TODO,
    ("block", TODO): BLOCKED, ("block", DOING): BLOCKED, ("block", BLOCKED): BLOCKED,
}
ALLOWED_FROM = {TODO: ("start", "done", "block"), DOING: ("done", "block"), BLOCKED: ("start", "done", "block"),
                DONE: ("reopen",)}
VERBS = ("start", "done", "reopen", "block")


def _do(subject: Task, verb: str) -> None:
    if verb == "start":
        subject.start()
    elif verb == "done":
        subject.finish(NOW)
    elif verb == "reopen":
        subject.reopen()
    else:
        subject.block("waiting for the contract")


@pytest.mark.parametrize(("verb", "before"), sorted(ALLOWED))
def test_allowed_move(verb: str, before: TaskStatus) -> None:
    subject = task(status=before)
    _do(subject, verb)
    assert subject.status is ALLOWED[(verb, before)]


@pytest.mark.parametrize(("verb", "before"), [(v, s) for v in VERBS for s in TaskStatus if (v, s) not in ALLOWED])
def test_refused_move_names_the_allowed_ones(verb: str, before: TaskStatus) -> None:
    subject = task(status=before)
    with pytest.raises(InvalidTransition) as caught:
        _do(subject, verb)
    assert caught.value.params == {"ref": "T-3", "current": before.value, "action": verb,
                                   "allowed": ALLOWED_FROM[before]}
    assert subject.status is before


@pytest.mark.parametrize("reason", ["", "   "])
def test_block_needs_a_reason(reason: str) -> None:
    subject = task(status=DOING)
    with pytest.raises(InvalidInput) as caught:
        subject.block(reason)
    assert caught.value.params["reason"] == "reason_required"
    assert subject.status is DOING and subject.blocked_reason is None


def test_the_block_reason_is_kept_until_work_moves_on() -> None:
    subject = task()
    subject.block("  venue contract late ")
    assert subject.blocked_reason == "venue contract late"
    subject.start()
    assert subject.blocked_reason is None
    subject.block("again")
    subject.finish(NOW)
    assert subject.blocked_reason is None and subject.done_at == NOW


def test_reopen_forgets_when_it_was_done() -> None:
    subject = task()
    subject.finish(NOW)
    subject.reopen()
    assert subject.status is TODO and subject.done_at is None


@pytest.mark.parametrize(("status", "due_in", "overdue"), [
    (TODO, timedelta(seconds=-1), True),
    (DOING, timedelta(days=-3), True),
    (BLOCKED, timedelta(days=-3), True),
    (TODO, timedelta(0), False),  # due right now is not yet late
    (TODO, timedelta(seconds=1), False),
    (DONE, timedelta(days=-3), False),
])
def test_overdue(status: TaskStatus, due_in: timedelta, overdue: bool) -> None:
    assert task(status=status, due=NOW + due_in).is_overdue(NOW) is overdue


def test_no_due_date_is_never_overdue() -> None:
    assert task(due=None).is_overdue(NOW) is False


@pytest.mark.parametrize(("done_after_due", "on_time"), [
    (timedelta(seconds=-1), True), (timedelta(0), True), (timedelta(seconds=1), False),
])
def test_on_time(done_after_due: timedelta, on_time: bool) -> None:
    subject = task(due=NOW)
    subject.finish(NOW + done_after_due)
    assert subject.on_time() is on_time


def test_on_time_is_unknown_for_open_or_undated_tasks() -> None:
    assert task(due=NOW).on_time() is None
    undated = task(due=None)
    undated.finish(NOW)
    assert undated.on_time() is None


def test_shift_moves_the_due_time() -> None:
    subject = task(due=NOW)
    subject.shift(timedelta(days=7))
    assert subject.due == NOW + timedelta(days=7)
    undated = task(due=None)
    undated.shift(timedelta(days=7))
    assert undated.due is None


@pytest.mark.parametrize(("title", "reason"), [("", "empty_title"), ("  ", "empty_title"), ("x" * 301, "too_long")])
def test_invalid_titles(title: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        task(title=title)
    assert caught.value.params["reason"] == reason
