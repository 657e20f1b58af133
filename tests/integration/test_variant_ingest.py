"""A/B test variants through the REST API and the CSV import (issue 13): a `variant` field stores the variant's
day, the campaign's day becomes the sum of the variants, a row naming no running test's variant is refused by
name, and the test is looked at (and decided) as in chat."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session
from typer.testing import CliRunner

from adapters.db.outbox_store import SqlOutboxStore
from bot.context import Context
from bot.entry import bootstrap
from bot.entry.cli import cli
from bot.settings import Settings
from domain.people import Platform
from tests.builders import settings
from tests.fakes import FakeChatGateway, FakeClock
from tests.integration.db_builders import UowFactory
from tests.integration.test_api_metrics import OPERATOR, TODAY, Api, row


@pytest.fixture
def api(new_uow: UowFactory, sessions: sessionmaker[Session]) -> Iterator[Api]:
    container = bootstrap.build(settings(api_token=OPERATOR, admins="console:alice"), clock=FakeClock(),
                                uow_factory=new_uow, outbox=SqlOutboxStore(sessions),
                                gateways={Platform.CONSOLE: FakeChatGateway()})
    found = Api(container)
    found.chat("alice", 'new "Spring Launch"')
    found.chat("alice", 'test new C-1 "Headline" variants=A,B metric=ctr min_sample=200000')
    yield found
    found.client.close()


def test_variant_rows_through_the_api_make_the_campaigns_day_and_decide_the_test(api: Api) -> None:
    rows = []
    for n in range(10):
        day = TODAY - timedelta(days=n + 1)
        rows += [row(day, variant="A", impressions=5000, clicks=100), row(day, variant="b", impressions=5000,
                                                                          clicks=130)]
    answer = api.post(rows)
    assert answer.status_code == 200, answer.text
    shown = api.container.bus.execute(Context(Platform.CONSOLE, "local", "alice", "local"), "test X-1")
    text = "\n".join([*(f.value for f in shown.card.fields), *(s.text for s in shown.card.sections)])
    assert "decided: B wins (the sequential boundary was crossed)" in text
    assert "A (control) · 50,000 impressions · CTR 2.00%" in text
    report = api.chat("alice", "report C-1")  # the campaign's days: the sum of both variants
    assert "douyin: Spend ¥20,000.00" in report


def test_a_row_for_a_variant_no_test_has_is_refused_by_name(api: Api) -> None:
    answer = api.post([row(variant="Z")])
    assert answer.status_code == 422, answer.text
    assert "no running A/B test with a variant 'Z'" in answer.text and '"variant"' in answer.text


def test_the_csv_import_takes_an_optional_variant_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'mems.db'}"
    for name in ("MEMS_API_TOKEN", "MEMS_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEMS_DATABASE_URL", url)
    container = bootstrap.build(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    ctx = Context(Platform.CONSOLE, "local", "olive", "local")
    container.bus.execute(ctx, 'new "Spring Launch"')
    container.bus.execute(ctx, 'test new C-1 "Headline" variants=A,B metric=ctr')
    container.close()
    path = tmp_path / "metrics.csv"
    path.write_text("campaign,date,channel,variant,spend,impressions,clicks,conversions,revenue\n"
                    "C-1,2026-11-20,douyin,A,100.10,1000,20,2,300\nC-1,2026-11-20,douyin,B,100.20,1000,25,3,300\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-metrics", str(path)])
    assert result.exit_code == 0 and result.output.strip().splitlines()[-1] == "2 loaded, 0 rejected"
    container = bootstrap.build(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    try:
        shown = container.bus.execute(ctx, "test X-1").card.sections[0].text
        report = container.bus.execute(ctx, "report C-1")
    finally:
        container.close()
    assert "A (control) · 1,000 impressions · CTR 2.00%" in shown and "B · 1,000 impressions · CTR 2.50%" in shown
    assert next(f.value for f in report.card.fields if f.label == "Media spend") == "¥200.30"
