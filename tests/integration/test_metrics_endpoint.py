"""GET /metrics over a real database: console and REST commands by verb, the outbox's depth read at each scrape (on
SQLite and PostgreSQL), MEMS_METRICS_TOKEN, and a scrape that still answers while the database is away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from adapters.db.migrate import upgrade
from adapters.prometheus import routes
from adapters.prometheus.recorder import PrometheusRecorder
from bot.context import Context
from bot.entry import bootstrap, workers
from bot.entry.web import create_app
from domain.people import Platform
from tests.builders import settings

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
ALICE = Context(Platform.CONSOLE, "local", "alice", "local", user_name="alice")


def samples(text: str) -> Samples:
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def test_console_commands_and_the_outbox_depth(database_url: str) -> None:
    upgrade(database_url)
    container = bootstrap.build(settings(database_url=database_url))
    try:
        http = TestClient(create_app(container, run_workers=False))
        yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
        for line in ("help", 'new "Launch"', f'task add C-1 "Posters" due={yesterday}', "approve A-99"):
            container.bus.execute(ALICE, line)
        workers.scan_all(container, datetime.now(UTC))
        found = samples(http.get("/metrics").text)
        ok = {"platform": "console", "outcome": "ok"}
        assert value(found, "mems_command_seconds_count", verb="Help", **ok) == 1
        assert value(found, "mems_command_seconds_count", verb="NewCampaign", **ok) == 1
        assert value(found, "mems_command_seconds_count", platform="console", verb="Approve", outcome="error") == 1
        assert value(found, "mems_command_seconds_sum", verb="Help", **ok) > 0
        assert value(found, "mems_outbox_depth", state="due") >= 1  # the overdue task's alert waits
        assert value(found, "mems_scan_seconds_count", scan="ScanDeadlines", outcome="ok") == 1
        assert value(found, "process_resident_memory_bytes") > 0  # one process: its memory, for the 300 MB goal
        assert http.get("/metrics").headers["content-type"].startswith("text/plain; version=0.0.4")
    finally:
        container.close()


def test_a_dead_letter_counts_at_the_next_scrape_until_it_is_replayed(database_url: str) -> None:
    upgrade(database_url)
    container = bootstrap.build(settings(database_url=database_url))
    try:
        http = TestClient(create_app(container, run_workers=False))
        yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
        for line in ('new "Launch"', f'task add C-1 "Posters" due={yesterday}'):
            container.bus.execute(ALICE, line)
        workers.scan_all(container, datetime.now(UTC))
        assert value(samples(http.get("/metrics").text), "mems_outbox_dead") == 0
        [alert] = container.outbox.list_pending()
        assert alert.id is not None
        container.outbox.mark_dead(alert.id, datetime.now(UTC), "channel_not_found")  # as delivery gives up
        assert value(samples(http.get("/metrics").text), "mems_outbox_dead") == 1
        assert container.outbox.replay(alert.id)  # mems outbox --replay
        assert value(samples(http.get("/metrics").text), "mems_outbox_dead") == 0
    finally:
        container.close()


def test_the_token_guards_the_scrape(sqlite_url: str) -> None:
    container = bootstrap.build(settings(database_url=sqlite_url, metrics_token="s3cret-metrics"))
    try:
        http = TestClient(create_app(container, run_workers=False))
        assert http.get("/metrics").status_code == 401
        assert http.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert http.get("/metrics", headers={"Authorization": "s3cret-metrics"}).status_code == 401
        answer = http.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics"})
        assert answer.status_code == 200 and "mems_command_seconds" in answer.text
        assert "s3cret" not in answer.text
    finally:
        container.close()


def test_a_scrape_answers_without_the_outbox_while_the_database_is_away() -> None:
    def unreachable() -> dict[str, int]:
        raise ConnectionError("database away")

    app = create_app_with(routes.router(PrometheusRecorder(), unreachable))
    answer = TestClient(app).get("/metrics")
    assert answer.status_code == 200
    assert "mems_outbox_depth" not in answer.text and "mems_command_seconds" in answer.text


def create_app_with(router: object) -> object:
    from fastapi import FastAPI

    app = FastAPI()
    app.include_router(router)  # type: ignore[arg-type]
    return app
