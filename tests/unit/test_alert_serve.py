"""`mems serve` runs the scans and the delivery loop in-process: an overdue task reaches its channel without
anyone running `mems tick`; with the scheduler off nothing is scanned. (SQLite, since the scans run in the
scheduler's threads beside the delivery loop.)"""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from adapters.console.render import render
from bot.context import Context
from bot.entry import bootstrap
from bot.entry.web import create_app
from domain.people import Platform
from tests.builders import settings
from tests.fakes import FakeChatGateway, FakeClock


def overdue_bot(tmp_path: Path) -> tuple[bootstrap.Container, FakeChatGateway]:
    gateway = FakeChatGateway()
    container = bootstrap.build(settings(database_url=f"sqlite:///{tmp_path}/mems.db"), clock=FakeClock(),
                                gateways={Platform.CONSOLE: gateway})
    ctx = Context(Platform.CONSOLE, "local", "olive", "local", user_name="olive")
    for line in ('new "Spring Launch"', 'task add C-1 "Book venue" @bob due=2026-11-20'):
        assert not container.bus.execute(ctx, line).is_error
    return container, gateway


def overdue_cards(gateway: FakeChatGateway) -> list[str]:
    return [render(card) for target, card, _ in gateway.sent if "Overdue" in card.title]


def test_the_web_server_scans_and_delivers_on_its_own(tmp_path: Path) -> None:
    container, gateway = overdue_bot(tmp_path)
    try:
        with TestClient(create_app(container, run_workers=True)):
            deadline = time.monotonic() + 10
            while not overdue_cards(gateway) and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        container.close()
    assert "Overdue: T-1 Book venue" in overdue_cards(gateway)[0]


def test_with_the_scheduler_off_nothing_is_scanned(tmp_path: Path) -> None:
    container, gateway = overdue_bot(tmp_path)
    try:
        with TestClient(create_app(container, run_workers=False)) as client:
            assert client.get("/healthz").status_code == 200
        assert not [m for m in container.outbox.list_pending() if m.kind.startswith("deadline")]
        assert not overdue_cards(gateway)
    finally:
        container.close()
