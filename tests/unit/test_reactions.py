"""The reaction table and the one way into the outbox: every event has its line, a reaction's follow-up events run
before the commit, and `outbox.post` keys, holds, translates and files each row."""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.bus import REACTIONS
from bot.cards import Card
from bot.env import Deps, Txn
from bot.outbox import EVERY_COPY, Channel, Notice, post
from domain import events as e
from domain.notifications import AlertKind
from domain.people import Member, Platform, QuietHours, Workspace
from tests.builders import TestBot, settings
from tests.fakes import FakeUnitOfWork, Store

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai


def test_every_event_has_a_line_in_the_reaction_table() -> None:
    events = {cls for cls in vars(e).values() if isinstance(cls, type) and issubclass(cls, e.Event)} - {e.Event}
    assert events == set(REACTIONS)


def txn(uow: FakeUnitOfWork) -> tuple[Txn, Workspace]:
    workspace = uow.workspaces.add(Workspace(Platform.CONSOLE, "local", "local", "Asia/Shanghai", "en", "CNY"))
    return Txn(uow, NOW, Deps.load(settings())), workspace


def card(lang: str) -> Card:
    return Card(title="Hello" if lang == "en" else "你好")


def test_a_direct_message_is_in_the_readers_language_and_waits_out_their_quiet_hours() -> None:
    with FakeUnitOfWork(Store()) as uow:
        t, workspace = txn(uow)
        li = Member(workspace.pk, "li", lang="zh", quiet=QuietHours(time(22), time(8)))
        assert post(t, workspace, li, Notice(AlertKind.NOTICE, card, "T-1", "p")) is True
        assert post(t, workspace, li, Notice(AlertKind.NOTICE, card, "T-1", "p")) is False  # its key, once
        (row,) = uow.outbox.rows.values()
    assert row.kind is AlertKind.NOTICE and row.key == "notice:T-1:p:user:li"
    assert row.payload["title"] == "你好" and row.payload["lang"] == "zh"
    assert row.not_before == datetime(2026, 11, 26, 0, 0, tzinfo=UTC) and t.written == 1


def test_a_channel_post_is_in_the_workspace_language_and_a_card_update_carries_every_language() -> None:
    with FakeUnitOfWork(Store()) as uow:
        t, workspace = txn(uow)
        assert post(t, workspace, Channel(""), Notice(AlertKind.DIGEST, card, "W-1", "d")) is False  # no channel
        post(t, workspace, Channel("C9"), Notice(AlertKind.ANOMALY, card, "anomaly:C-1:d", "d", keyed_as="C-1"))
        post(t, workspace, EVERY_COPY, Notice(AlertKind.CARD_UPDATE, card, "A-1", "v2"))
        channel, update = sorted(uow.outbox.rows.values(), key=lambda m: m.id or 0)
    assert (channel.key, channel.entity, channel.payload["title"]) == ("anomaly:C-1:d:channel:C9", "anomaly:C-1:d",
                                                                      "Hello")
    assert update.kind is AlertKind.CARD_UPDATE and update.key == "card.update:A-1:v2:channel:*"
    assert update.payload["title"] == "Hello" and update.payload["translations"]["zh"]["title"] == "你好"


def test_follow_up_events_run_before_the_commit() -> None:
    """New metrics → the budget check → BudgetThresholdReached → the alert row, all in the one transaction."""
    bot = TestBot()
    bot.ok("olive", 'new "Spring Launch"')
    bot.ok("alice", "role add @mgr manager")
    bot.ok("olive", "budget request C-1 10000 media")
    bot.ok("mgr", "approve A-1")
    commits = bot.store.commits
    bot.ok("olive", "metrics C-1 spend=9000")
    assert bot.store.commits == commits + 1
    assert [m.kind for m in bot.store.table("outbox").values()].count(AlertKind.BUDGET_THRESHOLD) == 2

