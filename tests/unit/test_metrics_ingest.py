"""Metrics in bulk go through the bus like a chat's: the REST API and the CSV import store a batch that raced
another writer once, on fresh data (no 500, nothing doubled), and set off the same alerts as chat."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.context import Principal
from bot.entry.web import create_app
from bot.ingest import parse_rows
from domain.commands import IngestMetrics
from domain.errors import ConcurrencyConflict
from tests.builders import TestBot
from tests.fakes import FakeUnitOfWork, Store

TOKEN = "operator-token"
TODAY = date(2026, 11, 25)  # the fake clock's day in Shanghai


class RacedOnce(FakeUnitOfWork):
    """The first `races` commits find that another writer got there first, as the SQL unit of work reports a
    duplicate key or a stale version at commit."""

    races = 0

    def commit(self) -> None:
        if RacedOnce.races > 0:
            RacedOnce.races -= 1
            raise ConcurrencyConflict("C-1")
        super().commit()


@pytest.fixture
def bot() -> Iterator[TestBot]:
    found = TestBot(api_token=TOKEN)
    found.ok("olive", 'new "Spring Launch"')
    found.container.bus.uow_factory = lambda: RacedOnce(found.store)
    yield found
    RacedOnce.races = 0


def row(**fields: Any) -> dict[str, Any]:
    values = {"campaign": "C-1", "date": TODAY.isoformat(), "channel": "douyin", "spend": "1000.00",
              "impressions": 100000, "clicks": 1500, "conversions": 60, "revenue": "4000.00"}
    return values | fields


def imports(store: Store) -> list[Any]:
    return [e for e in store.table("audit").values() if e.action == "metrics.imported"]


def test_a_posted_batch_that_raced_another_writer_is_stored_once(bot: TestBot) -> None:
    RacedOnce.races = 1
    with TestClient(create_app(bot.container, run_workers=False)) as client:
        response = client.post("/api/v1/metrics", json={"rows": [row()]}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and response.json() == {"stored": 1}
    assert len(bot.store.table("metrics")) == 1 and len(imports(bot.store)) == 1


def test_the_csv_import_is_retried_the_same_way(bot: TestBot) -> None:
    RacedOnce.races = 1
    good, _ = parse_rows([row(), row(date="2026-11-24")], first=2)
    done = bot.container.bus.handle_as(Principal(None, "import"), IngestMetrics(tuple(good), "import:week.csv",
                                                                                 partial=True))
    assert (done.stored, list(done.errors)) == (2, [])
    assert len(bot.store.table("metrics")) == 2 and len(imports(bot.store)) == 1


def test_a_batch_that_keeps_racing_stores_nothing_and_says_so(bot: TestBot) -> None:
    RacedOnce.races = 2
    good, _ = parse_rows([row()])
    with pytest.raises(ConcurrencyConflict):
        bot.container.bus.handle_as(Principal(None, "import"), IngestMetrics(tuple(good), "import:week.csv"))
    assert bot.store.table("metrics") == {}


def test_posted_spend_sets_off_the_budget_alert_as_chat_does(bot: TestBot) -> None:
    bot.ok("alice", "role add @mgr manager")
    bot.ok("olive", "budget request C-1 10000 media")
    bot.ok("mgr", "approve A-1")
    with TestClient(create_app(bot.container, run_workers=False)) as client:
        response = client.post("/api/v1/metrics", json={"rows": [row(spend="8500.00")]},
                               headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    bot.deliver()
    assert any("has spent 80% of its approved budget" in text for text in bot.sent_to("local"))
    assert any("has spent 80% of its approved budget" in text for text in bot.sent_to("olive"))


def test_the_audit_trail_counts_each_campaigns_rows_of_a_batch(bot: TestBot) -> None:
    bot.ok("olive", 'new "Autumn Sale"')
    rows = [row(date=f"2026-11-{d}") for d in (21, 23, 22)]
    rows += [row(campaign="C-2", date=f"2026-11-{d}") for d in (20, 24)]
    good, _ = parse_rows(rows)
    done = bot.container.bus.handle_as(Principal(None, "import"), IngestMetrics(tuple(good), "import:week.csv"))
    assert (done.stored, list(done.errors)) == (5, [])
    assert sorted((e.entity, e.detail["rows"], e.detail["first"], e.detail["last"]) for e in imports(bot.store)) == [
        ("C-1", "3", "2026-11-21", "2026-11-23"), ("C-2", "2", "2026-11-20", "2026-11-24")]
