"""The dashboard's sign-in and actions through the real bus over fakes: the `dashboard` link is private, stored
hashed, works once within 10 minutes and opens an 8-hour session; a page shows a person only what they may do, and
its buttons run the same commands (checks, audit, notifications) as chat buttons."""

from __future__ import annotations

import pytest

from bot.actions import Action, ActionId
from bot.dashboard import Dashboard, Viewer
from bot.portfolio import Scope
from domain.notifications import AlertKind
from domain.task import TaskStatus
from tests.builders import TestBot


@pytest.fixture
def bot() -> TestBot:
    bot = TestBot(public_url="https://mems.example.com")
    bot.ok("alice", "role add @bob manager")
    bot.ok("olive", 'new "Spring Launch" budget=50k start=2026-11-01 end=2026-12-31')
    bot.ok("olive", 'task add C-1 "Venue" @li due=2026-11-20')
    bot.ok("olive", 'task add C-1 "Posters" @olive due=2026-12-20')
    bot.ok("olive", "budget request C-1 5000 KOL")
    return bot


def service(bot: TestBot) -> Dashboard:
    c = bot.container
    return Dashboard(c.uow_factory, c.clock, c.bus)


def link_token(bot: TestBot, user: str) -> str:
    reply = bot.ok(user, "dashboard")
    assert not reply.public  # only the asker sees it
    url = reply.card.sections[0].text
    assert url.startswith("https://mems.example.com/login/")
    return url.rsplit("/", 1)[1]


def signed_in(bot: TestBot, user: str) -> Viewer:
    session = service(bot).sign_in(link_token(bot, user))
    assert session is not None
    viewer = service(bot).viewer(session)
    assert viewer is not None
    return viewer


def test_the_link_is_stored_hashed_and_works_once(bot: TestBot) -> None:
    token = link_token(bot, "bob")
    stored = list(bot.store.table("signins").values())
    assert len(stored) == 1 and token not in repr(stored)
    session = service(bot).sign_in(token)
    assert session is not None and service(bot).sign_in(token) is None
    viewer = service(bot).viewer(session)
    assert viewer is not None and viewer.reader.user == "bob" and token not in repr(bot.store.rows)


def test_the_link_expires_after_ten_minutes_and_the_session_after_eight_hours(bot: TestBot) -> None:
    token = link_token(bot, "bob")
    bot.clock.advance(minutes=10, seconds=1)
    assert service(bot).sign_in(token) is None
    session = service(bot).sign_in(link_token(bot, "bob"))
    assert session is not None
    bot.clock.advance(hours=7, minutes=59)
    assert service(bot).viewer(session) is not None
    bot.clock.advance(minutes=2)
    assert service(bot).viewer(session) is None
    assert service(bot).viewer("forged") is None


def test_the_link_in_chinese() -> None:
    bot = TestBot(lang="zh")
    reply = bot.ok("bob", "仪表盘")
    assert "仪表盘链接" in reply.card.title and reply.card.sections[0].text.startswith("http://127.0.0.1:8000/login/")


def test_a_page_offers_only_the_moves_its_reader_may_make(bot: TestBot) -> None:
    page = service(bot).campaign(signed_in(bot, "li"), 1)
    assert page is not None
    moves = {item.task.ref: item.moves for item in page.tasks}
    assert moves["T-1"] == (TaskStatus.DOING, TaskStatus.BLOCKED, TaskStatus.DONE)  # li's own task
    assert moves["T-2"] == ()  # olive's, and li is no owner or manager
    assert [item.may_decide for item in page.requests] == [False]
    owner = service(bot).campaign(signed_in(bot, "olive"), 1)
    assert owner is not None and all(item.moves for item in owner.tasks)
    manager = service(bot).approvals(signed_in(bot, "bob"))
    assert [r.ref for r, _ in manager.items] == ["A-1"]
    assert service(bot).approvals(signed_in(bot, "olive")).items == []  # nobody approves their own request


def test_another_workspaces_campaign_is_not_found(bot: TestBot) -> None:
    bot.ok("zed", 'new "Elsewhere"', workspace="other")
    viewer = signed_in(bot, "bob")
    assert service(bot).campaign(viewer, 2) is None
    assert service(bot).campaign(viewer, 99) is None
    assert [s.campaign.ref for s in service(bot).portfolio(viewer, Scope.ALL).summaries] == ["C-1"]


def test_a_web_approval_runs_the_chat_command_and_updates_every_copy(bot: TestBot) -> None:
    bot.deliver()  # bob's card with Approve / Reject, and the channel's summary
    viewer = signed_in(bot, "bob")
    reply = service(bot).act(viewer, Action(ActionId.APPROVE, "A-1"))
    assert reply is not None and not reply.is_error and "approved" in reply.card.title
    updates = [m for m in bot.store.table("outbox").values() if m.kind is AlertKind.CARD_UPDATE]
    assert len(updates) == 1 and updates[0].entity == "A-1"
    assert "approved" in bot.text("olive", "show A-1")
    again = service(bot).act(viewer, Action(ActionId.APPROVE, "A-1"))
    assert again is not None and again.is_error  # already decided, as a second click in chat


def test_a_kanban_move_is_the_task_command_with_its_checks(bot: TestBot) -> None:
    li, fay = signed_in(bot, "li"), signed_in(bot, "fay")
    refused = service(bot).act(fay, Action(ActionId.TASK_DONE, "T-1"))
    assert refused is not None and refused.is_error
    done = service(bot).act(li, Action(ActionId.TASK_DONE, "T-1"))
    assert done is not None and not done.is_error
    assert "[done]" in bot.text("olive", "tasks C-1")
    assert service(bot).act(li, Action(ActionId.TASK_BLOCK, "T-1")) is None  # a block needs its reason
    reopened = service(bot).act(li, Action(ActionId.TASK_REOPEN, "T-1"))
    assert reopened is not None and not reopened.is_error
    blocked = service(bot).act(li, Action(ActionId.TASK_BLOCK, "T-1").add_reason("waiting for the venue"))
    assert blocked is not None and not blocked.is_error and "waiting for the venue" in bot.text("li", "show T-1")
