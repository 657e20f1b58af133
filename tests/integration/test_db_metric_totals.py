"""Each campaign's kept metric totals (and the report's sums by day and by channel) are the sums of its rows after
every write (a day upserted, a batch, by COPY on PostgreSQL, a day removed, in any order and any mix of
transactions), whichever door the rows came by (chat, CSV import, REST, undo, the demo's loader); what reads them says
what summing the rows said; the migration backfills a database that had rows before it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from adapters.db.bulk import SqlBulkLoader
from adapters.db.engine import make_engine, session_factory
from adapters.db.migrate import alembic_config, upgrade
from adapters.db.outbox_store import SqlOutboxStore
from adapters.db.repositories import records
from adapters.db.uow import SqlUnitOfWork
from bot import portfolio
from bot.context import Context
from bot.demo import Generator, Size, people
from bot.entry import bootstrap
from bot.entry.web import create_app
from bot.policy import DEFAULT_POLICY
from bot.presenters import portfolio as view
from domain.metrics import FIGURES, DailyMetric, by_channel, totals
from domain.people import Platform
from domain.portfolio import riskiest_first
from tests.builders import settings as app_settings
from tests.fakes import FakeChatGateway, FakeClock
from tests.integration import db_builders as build
from tests.integration.db_builders import NOW, UowFactory

SUMS = ", ".join(f"sum({name})" for name in FIGURES)


def summed(engine: Engine) -> dict[int, tuple[Any, ...]]:
    """What summing the rows says, campaign by campaign."""
    with engine.connect() as conn:
        found = conn.execute(text(f"SELECT campaign_id, count(*), {SUMS} FROM daily_metrics GROUP BY campaign_id"))
        return {row[0]: tuple(row[1:]) for row in found}


def kept(engine: Engine) -> dict[int, tuple[Any, ...]]:
    """The kept totals of campaigns with rows; a campaign whose rows all went keeps nothing but zero rows."""
    with engine.connect() as conn:
        found = list(conn.execute(text(f"SELECT campaign_id, rows, {', '.join(FIGURES)} FROM metric_totals")))
    assert all(row[2:] == (None,) * len(FIGURES) for row in found if row[1] == 0)
    return {row[0]: tuple(row[1:]) for row in found if row[1] > 0}


def assert_kept(engine: Engine, new_uow: UowFactory, workspaces: dict[int, int]) -> None:
    assert kept(engine) == summed(engine)
    with new_uow() as uow:
        for campaign_id in workspaces:
            rows = uow.metrics.for_campaign(campaign_id)
            assert uow.metrics.totals(campaign_id) == totals(rows)
            # the report's sums, by channel and by day, as summing the rows in Python says
            assert uow.metrics.by_channel(campaign_id) == by_channel(rows)
            assert uow.metrics.daily(campaign_id) == [_day_summed([r for r in rows if r.day == day])
                                                      for day in sorted({r.day for r in rows})]
        for workspace_id in set(workspaces.values()):
            for f in uow.portfolio.figures(workspace_id, None, None, NOW, NOW.date()):
                rows = uow.metrics.for_campaign(f.campaign.pk)
                assert all(r.workspace_id == workspace_id for r in rows)
                assert f.media_spend == totals(rows).spend
                revenue = [r.revenue for r in rows if r.revenue is not None]
                assert f.revenue == (sum(revenue, Decimal(0)) if revenue else None)


def _day_summed(rows: list[DailyMetric]) -> DailyMetric:
    """A day's rows as one, channel '': each figure summed, None where no channel recorded it."""
    def summed(name: str) -> Any:
        found = [getattr(r, name) for r in rows if getattr(r, name) is not None]
        return sum(found) if found else None

    return DailyMetric(rows[0].workspace_id, rows[0].campaign_id, rows[0].day, "", *map(summed, FIGURES))


@pytest.fixture
def campaigns(new_uow: UowFactory) -> dict[int, int]:
    """Two campaigns of one workspace and one of another: campaign id -> workspace id."""
    w = build.world(new_uow)
    other = build.world(new_uow, "T2")
    with new_uow() as uow:
        second = uow.campaigns.add(build.campaign(w.workspace_id, name="Autumn"))
        uow.commit()
    return {w.campaign_id: w.workspace_id, second.pk: w.workspace_id, other.campaign_id: other.workspace_id}


money = st.none() | st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
counts = st.none() | st.integers(min_value=0, max_value=10**12)
keys = st.tuples(st.integers(0, 2), st.integers(0, 3), st.sampled_from(["", "douyin", "wechat"]))
row = st.tuples(keys, money, counts, counts, counts, money)
write = (st.tuples(st.just("put"), row) | st.tuples(st.just("many"), st.lists(row, max_size=12))
         | st.tuples(st.just("remove"), keys))
transactions = st.lists(st.lists(write, min_size=1, max_size=4), min_size=1, max_size=5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(transactions=transactions)
def test_the_totals_are_the_sums_of_the_rows_after_any_writes(
        engine: Engine, new_uow: UowFactory, campaigns: dict[int, int], monkeypatch: pytest.MonkeyPatch,
        transactions: list[list[tuple[str, Any]]]) -> None:
    monkeypatch.setattr(records, "COPY_FROM", 3)  # so batches of three rows or more take PostgreSQL's COPY path
    ids = list(campaigns)

    def metric(spec: Any) -> DailyMetric:
        (n, day, channel), spend, impressions, clicks, conversions, revenue = spec
        return DailyMetric(campaigns[ids[n]], ids[n], NOW.date() - timedelta(days=day), channel, spend, impressions,
                           clicks, conversions, revenue)

    for writes in transactions:
        with new_uow() as uow:
            for kind, spec in writes:
                if kind == "put":
                    uow.metrics.put(metric(spec))
                elif kind == "many":
                    uow.metrics.put_many([metric(s) for s in spec])
                else:
                    n, day, channel = spec
                    uow.metrics.remove(ids[n], NOW.date() - timedelta(days=day), channel)
            uow.commit()
        assert_kept(engine, new_uow, campaigns)


def test_a_rolled_back_write_leaves_the_totals_as_they_were(
        engine: Engine, new_uow: UowFactory, campaigns: dict[int, int]) -> None:
    first = next(iter(campaigns))
    with new_uow() as uow:
        uow.metrics.put(DailyMetric(campaigns[first], first, NOW.date(), "", Decimal("10.00"), 5))
        uow.commit()
    before = kept(engine)
    with new_uow() as uow:
        uow.metrics.put(DailyMetric(campaigns[first], first, NOW.date(), "", Decimal("99.00"), 7))
        assert uow.metrics.totals(first).spend == Decimal("99.00")  # its own transaction sees its write
    assert kept(engine) == before == summed(engine)


class Doors:
    """The real bus and REST API over the test database, a campaign made in chat."""

    def __init__(self, container: bootstrap.Container) -> None:
        self.container = container
        self.client = TestClient(create_app(container, run_workers=False))

    def chat(self, text_: str, user: str = "alice") -> str:
        reply = self.container.bus.execute(Context(Platform.CONSOLE, "local", user, "local"), text_)
        assert not reply.is_error, reply.text
        return reply.text


@pytest.fixture
def doors(new_uow: UowFactory, sessions: sessionmaker[Session]) -> Iterator[Doors]:
    container = bootstrap.build(app_settings(api_token="operator-token", admins="console:alice"),
                                clock=FakeClock(), uow_factory=new_uow, outbox=SqlOutboxStore(sessions),
                                gateways={Platform.CONSOLE: FakeChatGateway()})
    found = Doors(container)
    found.chat('new "Spring Launch"')
    found.chat('new "Autumn Sale"')
    yield found
    found.client.close()


def test_every_door_keeps_the_totals(engine: Engine, doors: Doors, tmp_path: Any) -> None:
    today = FakeClock().now().date()
    doors.chat(f"metrics C-1 date={today.isoformat()} channel=douyin spend=3200 impressions=120000 clicks=2400")
    doors.chat(f"metrics C-1 date={today.isoformat()} channel=douyin conversions=80 revenue=9100.50")
    assert kept(engine) == summed(engine)
    doors.chat("undo")  # the day's second entry taken back: its figures as they were
    assert kept(engine) == summed(engine)
    doors.chat("undo")  # and the first: the day had none before
    assert kept(engine) == summed(engine) == {}
    body = {"rows": [{"campaign": f"C-{n}", "date": (today - timedelta(days=d)).isoformat(), "channel": "wechat",
                      "spend": f"{100 + d}.25", "impressions": 1000 * d, "clicks": d, "conversions": 0,
                      "revenue": "12.00"}
                     for n in (1, 2) for d in range(5)]}
    answer = doors.client.post("/api/v1/metrics", json=body, headers={"Authorization": "Bearer operator-token"})
    assert answer.status_code == 200, answer.text
    assert kept(engine) == summed(engine) and set(summed(engine)) == {1, 2}
    doors.chat(f"metrics C-2 date={today.isoformat()} channel=wechat spend=1.00")  # a REST day typed over
    assert kept(engine) == summed(engine)


def test_the_demo_loader_keeps_the_totals(engine: Engine, new_uow: UowFactory,
                                          sessions: sessionmaker[Session]) -> None:
    w = build.world(new_uow)
    gen = Generator(w.workspace_id, "CNY", ZoneInfo("UTC"), NOW, DEFAULT_POLICY, seed=3)
    members = people(w.workspace_id, 30, NOW)
    bundles = [gen.bundle(n, Size(tasks=2, days=20, channels=3), members) for n in range(4)]
    loader = SqlBulkLoader(sessions)
    loader.members(members)
    loader.bundles(bundles)
    assert len(summed(engine)) == sum(1 for b in bundles if b.metrics) > 0
    assert kept(engine) == summed(engine)


def test_overview_says_what_summing_the_rows_said(doors: Doors) -> None:
    clock = FakeClock()
    today = clock.now().date()
    for n, spend, revenue in ((1, "3200.40", None), (2, "150.00", "999.99")):
        for d in range(3):
            extra = f" revenue={revenue}" if revenue else ""
            doors.chat(f"metrics C-{n} date={(today - timedelta(days=d)).isoformat()} channel=douyin "
                       f"spend={spend} clicks={d + 1} impressions=100{extra}")
    shown = doors.container.bus.execute(Context(Platform.CONSOLE, "local", "alice", "local"), "overview all")
    with doors.container.uow_factory() as uow:
        workspace = uow.workspaces.by_key(Platform.CONSOLE, "local")
        assert workspace is not None
        day = clock.now().astimezone(workspace.tz).date()
        figures = uow.portfolio.figures(workspace.pk, None, None, clock.now(),
                                        day - timedelta(days=portfolio.ANOMALY_DAYS))
        by_rows = [replace(f, media_spend=totals(rows).spend, revenue=_revenue(rows))
                   for f in figures for rows in [uow.metrics.for_campaign(f.campaign.pk)]]
    assert [f.media_spend for f in by_rows] == [Decimal("9601.20"), Decimal("450.00")]
    assert shown.card == view.overview(riskiest_first(by_rows, day), "all", "en")


def _revenue(rows: Any) -> Decimal | None:
    found = [r.revenue for r in rows if r.revenue is not None]
    return sum(found, Decimal(0)) if found else None


def test_the_migration_backfills_the_rows_already_there(database_url: str) -> None:
    upgrade(database_url)  # people and campaigns written as the code writes them (later migrations add columns)
    engine = make_engine(database_url)
    try:
        new_uow = lambda: SqlUnitOfWork(session_factory(engine))  # noqa: E731
        worlds = [build.world(new_uow), build.world(new_uow, "T2")]
        with new_uow() as uow:  # a campaign without rows keeps no totals
            uow.campaigns.add(build.campaign(worlds[1].workspace_id, name="Quiet"))
            uow.commit()
        engine.dispose()
        command.downgrade(alembic_config(database_url), "0018")  # the revision before metric_totals
        day = date(2026, 11, 1)
        money = 100 if engine.dialect.name == "sqlite" else Decimal("1.00")  # SQLite keeps cents
        rows = [{"w": w.workspace_id, "c": w.campaign_id, "d": day + timedelta(days=k), "ch": ch,
                 "s": money * (k + 1), "i": None if k == 2 else 10 * k, "r": None if n == 1 else money}
                for n, w in enumerate(worlds) for k in range(4) for ch in ("", "douyin")]
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO daily_metrics (workspace_id, campaign_id, day, channel, spend, impressions, "
                              "revenue) VALUES (:w, :c, :d, :ch, :s, :i, :r)"), rows)
        expected = summed(engine)
        upgrade(database_url)
        assert kept(engine) == expected and set(expected) == {w.campaign_id for w in worlds}
        with engine.connect() as conn:
            found = dict(conn.execute(text("SELECT campaign_id, workspace_id FROM metric_totals")).all())
        assert found == {w.campaign_id: w.workspace_id for w in worlds}
        assert expected[worlds[1].campaign_id][5] is None  # no day recorded revenue: not recorded, not zero
        assert expected[worlds[0].campaign_id][1:3] == (20 * money, 80)
    finally:
        engine.dispose()


def test_two_writers_of_one_campaign_at_once_leave_the_sums_of_both(
        engine: Engine, new_uow: UowFactory, campaigns: dict[int, int]) -> None:
    """The second writer's sums wait for the first to commit, then include its rows (summed in the same statement
    as taking the total row, they would be the second's rows alone)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    first = next(iter(campaigns))
    done: list[BaseException | None] = []

    def second() -> None:
        try:
            with new_uow() as uow:
                uow.metrics.put(DailyMetric(campaigns[first], first, NOW.date(), "b", Decimal("2.00"), 20))
                uow.commit()
            done.append(None)
        except BaseException as exc:  # handed to the test's thread
            done.append(exc)

    with new_uow() as uow:  # its totals row exists already
        uow.metrics.put(DailyMetric(campaigns[first], first, NOW.date(), "", Decimal("4.00"), 40))
        uow.commit()
    with new_uow() as uow:
        uow.metrics.put(DailyMetric(campaigns[first], first, NOW.date(), "a", Decimal("1.00"), 10))
        thread = threading.Thread(target=second)
        thread.start()
        _wait_for_a_lock_on(engine, "metric_totals")
        uow.commit()
    thread.join()
    assert done == [None]
    assert kept(engine) == summed(engine) == {first: (3, Decimal("7.00"), 70, None, None, None)}


def _wait_for_a_lock_on(engine: Engine, table: str) -> None:
    with engine.connect() as conn:
        for _ in range(500):
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE :q "
                "AND datname = current_database()"), {"q": f"%{table}%"}).scalar_one()
            if waiting:
                return
            conn.rollback()  # pg_stat_activity is read once per transaction
            time.sleep(0.01)
    raise AssertionError(f"no writer waited on {table}")
