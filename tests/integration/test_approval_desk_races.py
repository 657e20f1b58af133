"""Two people acting on one step of a request at the same moment, each through the real bus on a connection of their
own: an approval against a hand-over, an approval against a return. Both have read the request and decided in memory
before either writes; the database (the request's version column) lets exactly one act, and the other is told."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from adapters.db.uow import SqlUnitOfWork
from bot.actions import Action, ActionId, command_for
from bot.cards import Reply
from bot.context import Context
from bot.entry import bootstrap
from bot.entry.bootstrap import Container
from domain import commands as c
from domain.people import Platform
from tests.builders import settings

ROUNDS = 8


class Gate:
    """Holds each thread's first save until every thread has reached its own: a true race, on every run."""

    def __init__(self, parties: int) -> None:
        self.barrier = threading.Barrier(parties)
        self.passed: set[int] = set()

    def wait(self) -> None:
        me = threading.get_ident()
        if me not in self.passed:  # the bus runs the loser once more on fresh data: that attempt goes straight on
            self.passed.add(me)
            self.barrier.wait(timeout=20)


class GatedUnitOfWork(SqlUnitOfWork):
    def __init__(self, sessions: sessionmaker[Session], gate: Gate | None) -> None:
        super().__init__(sessions)
        self.gate = gate

    def __enter__(self) -> GatedUnitOfWork:
        super().__enter__()
        save, gate = self.approvals.save, self.gate
        if gate is not None:
            def gated(request: Any) -> None:
                gate.wait()
                save(request)
            self.approvals.save = gated  # type: ignore[method-assign]
        return self


class Desk:
    """A team on the real bus over the test database; `race` lines two clicks up on one step."""

    def __init__(self, engine: Engine, sessions: sessionmaker[Session]) -> None:
        self.gate: Gate | None = None
        url = engine.url.render_as_string(hide_password=False)
        self.container: Container = bootstrap.build(settings(database_url=url),
                                                    uow_factory=lambda: GatedUnitOfWork(sessions, self.gate))

    def ctx(self, user: str) -> Context:
        return Context(Platform.CONSOLE, "local", user, "local", user_name=user)

    def ok(self, user: str, text: str) -> Reply:
        reply = self.container.bus.execute(self.ctx(user), text)
        assert not reply.is_error, reply.text
        return reply

    def click(self, user: str, action: Action) -> Reply:
        command = command_for(action)
        assert command is not None
        return self.container.bus.handle(self.ctx(user), command)

    def race(self, *clicks: tuple[str, Action]) -> list[Reply]:
        self.gate = Gate(len(clicks))
        replies: list[Reply | None] = [None] * len(clicks)

        def run(index: int, user: str, action: Action) -> None:
            replies[index] = self.click(user, action)

        threads = [threading.Thread(target=run, args=(n, user, action)) for n, (user, action) in enumerate(clicks)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.gate = None
        assert all(reply is not None for reply in replies)
        return [reply for reply in replies if reply is not None]

    def request(self, number: int) -> Any:
        with self.container.uow_factory() as uow:
            return uow.approvals.get(number, None)

    def trail(self, number: int) -> list[str]:
        with self.container.uow_factory() as uow:
            return [e.action.value for e in uow.audit.for_entity(f"A-{number}")]


@pytest.fixture
def desk(engine: Engine, sessions: sessionmaker[Session]) -> Iterator[Desk]:
    desk = Desk(engine, sessions)
    for line in ("role add @bob manager", "role add @mia manager", "role add @fay finance"):
        desk.ok("alice", line)
    desk.ok("olive", 'new "Spring Launch" budget=500k')
    yield desk
    desk.container.close()


def buttons(desk: Desk, number: int) -> dict[ActionId, Action]:
    """The buttons on the card an approver of the waiting step has now."""
    shown = desk.ok("bob", f"show A-{number}").card
    return {b.action.id: b.action for b in shown.buttons}


def test_approve_against_delegate_on_one_step_exactly_one_acts(desk: Desk) -> None:
    outcomes = []
    for n in range(1, ROUNDS + 1):
        desk.ok("olive", f"budget request C-1 20000 wave {n}")
        on_card = buttons(desk, n)
        approve, handover = on_card[ActionId.APPROVE], on_card[ActionId.DELEGATE].add_person("dan")
        approved, delegated = desk.race(("bob", approve), ("mia", handover))
        assert approved.is_error != delegated.is_error, (approved.text, delegated.text)  # exactly one acted
        r = desk.request(n)
        if approved.is_error:  # the hand-over won: bob's card was for the step before it changed hands
            assert "out of date" in approved.text
            assert r.decisions == [] and r.steps[0].delegate == "dan"
            assert desk.trail(n) == ["approval.requested", "approval.delegated"]
        else:  # the approval won: the hand-over met a step already decided
            assert "out of date" in delegated.text
            assert [(d.step, d.decider) for d in r.decisions] == [(0, "bob")] and r.steps[0].delegate is None
            assert desk.trail(n) == ["approval.requested", "approval.approved"]
        assert r.version == 1  # one write, whichever it was
        outcomes.append("delegate" if approved.is_error else "approve")
    assert outcomes  # which one wins is the database's call; each round has exactly one


def test_approve_against_return_on_one_step_exactly_one_acts(desk: Desk) -> None:
    for n in range(1, ROUNDS + 1):
        desk.ok("olive", f"budget request C-1 5000 wave {n}")  # one step: manager
        on_card = buttons(desk, n)
        approve, back = on_card[ActionId.APPROVE], on_card[ActionId.RETURN].add_reason("split the venue out")
        approved, returned = desk.race(("bob", approve), ("mia", back))
        assert approved.is_error != returned.is_error, (approved.text, returned.text)
        r = desk.request(n)
        assert len(r.decisions) == 1 and r.version == 1
        if approved.is_error:
            assert "already returned by <@mia>" in approved.text and r.status.value == "returned"
        else:
            assert "already approved by <@bob>" in returned.text and r.status.value == "approved"


def test_a_typed_approval_after_a_hand_over_still_counts(desk: Desk) -> None:
    """Typed commands act on what waits when they run: the role's holders may still decide a step handed over."""
    desk.ok("olive", "budget request C-1 5000 fees")
    desk.ok("mia", "delegate A-1 @dan")
    reply = desk.container.bus.handle(desk.ctx("bob"), c.Approve(1))
    assert not reply.is_error and desk.request(1).status.value == "approved"
