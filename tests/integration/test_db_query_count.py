"""Cheaper commands (issue 14): no statement is sent twice with the same parameters within one command, each
command's statements stay under a bound, the static answers are rendered once per language, and within one
transaction the members, their roles and a request's decisions are read once, a role change showing at once."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, event

from bot.cards import Reply
from bot.context import Context
from bot.entry import bootstrap
from domain.metrics import DailyMetric
from domain.people import Member, Platform, Role
from tests.builders import settings
from tests.integration import db_builders as build
from tests.integration.db_builders import NOW, UowFactory

Statements = list[tuple[str, str]]


class Counted:
    """The real bus over a real SQLite file, every statement its engine sends recorded (SQL and parameters)."""

    def __init__(self, url: str) -> None:
        self.container = bootstrap.build(settings(database_url=url))
        self.sent: Statements = []

    def record(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        self.sent.append((statement, repr(params)))

    def say(self, user: str, text: str) -> tuple[Reply, Statements]:
        self.sent = []
        reply = self.container.bus.execute(Context(Platform.CONSOLE, "local", user, "local", user_name=user), text)
        assert not reply.is_error, reply.text
        return reply, self.sent


@pytest.fixture
def counted(sqlite_url: str) -> Iterator[Counted]:
    bot = Counted(sqlite_url)
    event.listen(Engine, "before_cursor_execute", bot.record)
    try:
        bot.say("alice", "role add @bob manager")
        bot.say("olive", 'new "Spring Launch" budget=200k launch=2027-03-01')
        bot.say("olive", "metrics C-1 date=2026-12-01 spend=100 clicks=5 impressions=90 channel=search")
        bot.say("olive", "budget request C-1 5000 fees")
        bot.say("bob", "help")  # bob's first word: his name is stored once, as for anyone new
        for user in ("olive", "bob"):  # met since the members last changed: this process keeps them
            bot.say(user, "help")
        yield bot
    finally:
        event.remove(Engine, "before_cursor_execute", bot.record)
        bot.container.close()


def repeated(sent: Statements) -> list[tuple[str, str]]:
    return [key for key, times in Counter(sent).items() if times > 1]


# (who, command, at most this many statements): the bounds are today's counts, so a new repeated read fails here.
# The asker is kept by the process (adapters/db/members_cache.py): one small read of the workspace's members_version
# stands for their member and roles. The report sums its metrics in three (the kept totals, by day, by channel) rather
# than reading every row in one.
COMMANDS = [("olive", "help", 1), ("olive", "help budget", 1), ("olive", "templates", 1), ("olive", "show C-1", 8),
            ("olive", "report C-1", 9), ("bob", "approve A-1 ok", 15)]


@pytest.mark.parametrize(("user", "text", "bound"), COMMANDS, ids=[c[1] for c in COMMANDS])
def test_no_statement_is_repeated_within_a_command(counted: Counted, user: str, text: str, bound: int) -> None:
    _, sent = counted.say(user, text)
    assert repeated(sent) == []
    assert len(sent) <= bound, "\n".join(s for s, _ in sent)


def test_approving_reads_the_approval_and_its_ledger_once(counted: Counted) -> None:
    _, sent = counted.say("bob", "approve A-1 ok")
    selects = Counter(re.search(r"\bFROM\s+(\w+)", s).group(1) for s, _ in sent  # type: ignore[union-attr]
                      if s.startswith("SELECT"))
    # the request before and after the decision (the card shows it decided); the metrics' kept totals (one row),
    # the rows neither read nor summed
    assert selects["approval_requests"] == 2 and selects["spend_entries"] == 1 and selects["metric_totals"] == 1
    assert selects["daily_metrics"] == 0


def test_static_answers_are_rendered_once_per_language(counted: Counted) -> None:
    first, _ = counted.say("olive", "help")
    again, _ = counted.say("olive", "help")
    counted.say("olive", "settings lang=zh")
    chinese, _ = counted.say("olive", "help")
    assert again.card is first.card  # the same rendered card, not an equal one made again
    assert chinese.card is not first.card and chinese.card.title != first.card.title
    shown, _ = counted.say("olive", "templates")
    assert counted.say("olive", "templates")[0].card is shown.card


def test_a_member_is_read_once_and_a_role_change_shows_at_once(new_uow: UowFactory, engine: Engine) -> None:
    w = build.world(new_uow)
    sent: Statements = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        sent.append((statement, repr(params)))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with new_uow() as uow:
            first = uow.members.get(w.workspace_id, "U1")
            assert first is not None and uow.members.get(w.workspace_id, "U1") is first
            managers = [m.user_ref for m in uow.members.holders(w.workspace_id, Role.MANAGER)]
            assert managers == ["M1", "M2"]
            assert uow.members.holders(w.workspace_id, Role.MANAGER)[0] is uow.members.get(w.workspace_id, "M1")
            first.grant(Role.MANAGER)
            uow.members.save(first)  # the roles as read are known: no read before writing the new one
            assert [m.user_ref for m in uow.members.holders(w.workspace_id, Role.MANAGER)] == ["M1", "M2", "U1"]
            new = uow.members.add(Member(w.workspace_id, "U9", roles={Role.FINANCE}, joined_at=NOW))
            assert uow.members.get(w.workspace_id, "U9") is new
            assert [m.user_ref for m in uow.members.holders(w.workspace_id, Role.FINANCE)] == ["U9"]
            uow.commit()
        # the one read made twice: the managers, once before and once after the role change
        again = [(statement, times) for (statement, _), times in Counter(sent).items() if times > 1]
        assert len(again) == 1 and again[0][1] == 2 and "member_roles.role =" in again[0][0]
    finally:
        event.remove(engine, "before_cursor_execute", record)
    with new_uow() as uow:  # and it is what was stored
        assert [m.user_ref for m in uow.members.holders(w.workspace_id, Role.MANAGER)] == ["M1", "M2", "U1"]
        assert uow.members.holders(w.workspace_id, Role.FINANCE)[0].roles == {Role.FINANCE}


def test_a_role_changed_by_another_process_shows_at_once(engine: Engine, database_url: str) -> None:
    """Two processes over one database, each keeping the members it has read: a role one of them takes away (or
    gives) is what the other decides by at its very next command, and the asker kept is not read again until then."""
    here, there = Counted(database_url), Counted(database_url)
    event.listen(Engine, "before_cursor_execute", here.record)
    try:
        here.say("alice", "role add @bob manager")
        here.say("olive", 'new "Spring Launch" budget=200k')
        here.say("olive", "budget request C-1 5000 fees")
        here.say("olive", "budget request C-1 6000 more")
        here.say("bob", "help")  # his name stored (a change to the members)
        here.say("bob", "help")  # read since: kept
        _, sent = here.say("bob", "help")
        assert len(sent) == 1 and "members_version" in sent[0][0]  # not read again
        there.say("alice", "role remove @bob manager")
        refused = here.container.bus.execute(Context(Platform.CONSOLE, "local", "bob", "local", user_name="bob"),
                                             "approve A-1 ok")
        assert refused.is_error and "manager" in refused.text
        there.say("alice", "role add @bob manager")
        reply, sent = here.say("bob", "approve A-2 ok")
        assert "approved" in reply.text.lower() and any("FROM member_roles" in s for s, _ in sent)
    finally:
        event.remove(Engine, "before_cursor_execute", here.record)
        here.container.close()
        there.container.close()


def test_metric_totals_are_summed_in_the_database_and_follow_writes(new_uow: UowFactory) -> None:
    w = build.world(new_uow)
    day = NOW.date()
    with new_uow() as uow:
        assert uow.metrics.totals(w.campaign_id).recorded == frozenset()
        uow.metrics.put(DailyMetric(w.workspace_id, w.campaign_id, day, "a", spend=Decimal("1.10"), clicks=3))
        uow.metrics.put(DailyMetric(w.workspace_id, w.campaign_id, day, "b", spend=Decimal("2.25")))
        kpis = uow.metrics.totals(w.campaign_id)
        assert (kpis.spend, kpis.clicks, kpis.impressions) == (Decimal("3.35"), 3, 0)
        assert kpis.recorded == frozenset({"spend", "clicks"})
        uow.metrics.remove(w.campaign_id, day, "b")
        assert uow.metrics.totals(w.campaign_id).spend == Decimal("1.10")


def test_a_decision_saved_over_a_racing_one_is_still_a_conflict(new_uow: UowFactory) -> None:
    """The decisions a request had when read are not read again before a save: the version check stands for them."""
    from domain.errors import ConcurrencyConflict

    w = build.world(new_uow)
    with new_uow() as uow:
        request = uow.approvals.add(build.request(w.workspace_id, w.campaign_id))
        uow.commit()
    with new_uow() as mine, new_uow() as theirs:
        slow = mine.approvals.get(request.pk, w.workspace_id)
        fast = theirs.approvals.get(request.pk, w.workspace_id)
        assert slow is not None and fast is not None
        fast.approve("M2", {Role.MANAGER}, "ok", NOW)
        theirs.approvals.save(fast)
        theirs.commit()
        slow.approve("M1", {Role.MANAGER}, "ok", NOW)
        with pytest.raises(ConcurrencyConflict):
            mine.approvals.save(slow)


def test_many_outbox_rows_are_written_at_once_each_key_once(new_uow: UowFactory, engine: Engine) -> None:
    """A role's hundred holders asked at once: one statement, and `add`'s answers (a key stored already, or given
    twice, is not stored again)."""
    w = build.world(new_uow)
    with new_uow() as uow:
        assert uow.outbox.add(build.message(w.workspace_id, "k:old"))
        uow.commit()
    sent: Statements = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        sent.append((statement, repr(params)))

    keys = ["k:old", *(f"k:{n}" for n in range(120)), "k:7"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        with new_uow() as uow:
            messages = [build.message(w.workspace_id, k) for k in keys]
            stored = uow.outbox.add_many(messages)
            uow.commit()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert stored == [False, *([True] * 120), False]
    assert len({m.id for m in messages[1:121]}) == 120 and messages[0].id is None
    assert len([s for s, _ in sent if s.startswith("INSERT")]) == 1
    with new_uow() as uow:
        assert len(uow.outbox.about("A-1", ["notice"])) == 121  # type: ignore[list-item]


def test_a_large_metrics_batch_is_upserted_whole(new_uow: UowFactory) -> None:
    """From 500 rows PostgreSQL gets a batch by COPY into a temporary table: new rows stored, a day already there
    replaced, the last of a key given twice winning, as the statement per row does (and SQLite still does)."""
    w = build.world(new_uow)
    day = NOW.date()
    with new_uow() as uow:
        uow.metrics.put(DailyMetric(w.workspace_id, w.campaign_id, day, "c0", spend=Decimal("1.00"), clicks=1))
        uow.commit()
    for attempt in range(2):  # the second on a connection whose temporary table exists already
        batch = [DailyMetric(w.workspace_id, w.campaign_id, day - timedelta(days=n // 3), f"c{n % 3}",
                             spend=Decimal(n) + Decimal("0.25"), clicks=n + attempt) for n in range(600)]
        batch.append(DailyMetric(w.workspace_id, w.campaign_id, day, "c0", spend=Decimal("9.99"), clicks=7))
        with new_uow() as uow:
            uow.metrics.put_many(batch)
            uow.commit()
        with new_uow() as uow:
            rows = {(m.day, m.channel): m for m in uow.metrics.for_campaign(w.campaign_id)}
        assert len(rows) == 600
        assert (rows[(day, "c0")].spend, rows[(day, "c0")].clicks) == (Decimal("9.99"), 7)
        assert rows[(day - timedelta(days=10), "c1")].spend == Decimal("31.25")
        assert rows[(day - timedelta(days=10), "c1")].clicks == 31 + attempt
        assert rows[(day - timedelta(days=10), "c1")].impressions is None
