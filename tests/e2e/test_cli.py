"""The command line as a user meets it: `mems serve` starts and answers, `mems db upgrade` migrates."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.e2e.console import mems
from tests.standins.server import free_port


def test_serve_prints_where_to_point_the_platforms_and_answers_health(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEMS_")}
    env.update({"MEMS_DATABASE_URL": f"sqlite:///{tmp_path / 'mems.db'}", "MEMS_SCHEDULER": "off"})
    server = subprocess.Popen([sys.executable, "-m", "bot.entry.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "mems serve did not start"
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert httpx.post(f"http://127.0.0.1:{port}/healthz", content=b"x" * (2 * 1024 * 1024),
                          timeout=5).status_code == 413
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert "/slack/events" in out and "/feishu/events" in out and "mems chat --as alice" in out


def test_db_upgrade_brings_an_empty_database_to_head(database_url: str) -> None:
    result = mems("db", "upgrade", env={"MEMS_DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    assert "Database is up to date." in result.stdout
    again = mems("db", "upgrade", env={"MEMS_DATABASE_URL": database_url})
    assert again.returncode == 0


@pytest.mark.parametrize("args", [["chat"], ["frobnicate"]])
def test_usage_errors_are_explained_not_tracebacks(args: list[str]) -> None:
    result = mems(*args)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "Usage" in result.stderr


def test_the_scheduler_alone_scans_delivers_and_stops_cleanly(tmp_path: Path) -> None:
    database = tmp_path / "mems.db"
    settings = {"MEMS_DATABASE_URL": f"sqlite:///{database}", "MEMS_SCAN_INTERVAL_SECONDS": "10"}
    yesterday = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date().isoformat()
    setup = mems("chat", "--as", "olive", stdin=f'new Launch\ntask add C-1 "Print the posters" due={yesterday}\n',
                 env=settings)
    assert setup.returncode == 0, setup.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEMS_")} | settings
    scheduler = subprocess.Popen([sys.executable, "-m", "bot.entry.cli", "scheduler"], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not sent_overdue(database) and time.monotonic() < deadline and scheduler.poll() is None:
            time.sleep(0.2)
    finally:
        scheduler.terminate()
        out, err = scheduler.communicate(timeout=30)
    assert "to #local" in out and "T-1" in out and "Print the posters" in out, out + err
    assert scheduler.returncode == 0 and "Traceback" not in err


def sent_overdue(database: Path) -> bool:
    with contextlib.closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT count(*) FROM outbox WHERE kind = 'deadline.overdue' AND status = 'sent'")
        return bool(rows.fetchone()[0])
