"""`mems serve --workers 2`: two processes answer on one port, what must run once (the scanner) runs in one of them,
the one holding its lease in the database, and a scrape of /metrics from either adds up both workers' metrics."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.standins.server import free_port


def _worker(port: int) -> str:
    with httpx.Client(timeout=5) as client:  # a connection of its own: any worker may accept it
        answer = client.get(f"http://127.0.0.1:{port}/healthz")
    assert answer.status_code == 200
    return answer.headers["x-mems-worker"]


def _scans(port: int) -> float:
    with httpx.Client(timeout=5) as client:
        text = client.get(f"http://127.0.0.1:{port}/metrics").text
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == "mems_scan_seconds_count" and sample.labels["scan"] == "ScanDeadlines")


def _scanner(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT name, owner FROM leases").fetchall()


def test_two_workers_answer_and_one_of_them_scans(tmp_path: Path) -> None:
    port = free_port()
    database = tmp_path / "mems.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEMS_")}
    env.update({"MEMS_DATABASE_URL": f"sqlite:///{database}", "MEMS_SCAN_INTERVAL_SECONDS": "60",
                "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")})
    server = subprocess.Popen([sys.executable, "-m", "bot.entry.cli", "serve", "--port", str(port), "--workers", "2"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        seen: set[str] = set()
        while len(seen) < 2 or not _scanner(database):
            assert server.poll() is None, server.communicate()[1]
            assert time.monotonic() < deadline, f"workers seen: {seen}"
            try:
                with ThreadPoolExecutor(8) as pool:
                    seen.update(pool.map(lambda _: _worker(port), range(16)))
            except httpx.TransportError:
                time.sleep(0.3)
        time.sleep(3)  # each worker has tried the scanner's lease at start-up (and every scan tries it again)
        [(name, owner)] = _scanner(database)
        assert name == "scanner" and owner.split(":")[1] in seen
        with ThreadPoolExecutor(8) as pool:  # scrapes on connections of their own reach both workers
            scans = set(pool.map(lambda _: _scans(port), range(16)))
        assert len(scans) == 1 and next(iter(scans)) >= 1, scans  # the scanner's count, whichever worker answers
    finally:
        server.terminate()
        out, err = server.communicate(timeout=60)
    assert err.count("scheduler started") == 2, err  # each worker runs the scheduler's clock...
    assert err.count("this process is now the scanner") == 1, err  # ...one of them scans
    assert server.returncode == 0 and "MEMS stopped." in out
    assert _scanner(database) == []  # released on the way out: a new process scans at once


def test_json_logs_are_one_object_per_line_uvicorns_too(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEMS_")}
    env.update({"MEMS_DATABASE_URL": f"sqlite:///{tmp_path / 'mems.db'}", "MEMS_LOG_FORMAT": "json",
                "MEMS_API_TOKEN": "api-secret-token-123"})
    server = subprocess.Popen([sys.executable, "-m", "bot.entry.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "probe-1"}, timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, server.communicate()[1]
                time.sleep(0.2)
        assert answer.headers["x-request-id"] == "probe-1"
    finally:
        server.terminate()
        _, err = server.communicate(timeout=60)
    lines = [json.loads(line) for line in err.splitlines()]  # every line is one JSON object
    messages = [str(line["message"]) for line in lines]
    assert any("Uvicorn running on" in m for m in messages) and any("scheduler started" in m for m in messages)
    assert any("GET /healthz" in m for m in messages)  # the access log, as JSON too
    assert all({"time", "level", "logger", "message", "request_id"} <= set(line) for line in lines)
    assert "api-secret-token-123" not in err


def test_the_scheduler_alone_serves_its_metrics_and_stops_cleanly(tmp_path: Path) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from tests.e2e.console import mems

    port = free_port()
    settings = {"MEMS_DATABASE_URL": f"sqlite:///{tmp_path / 'mems.db'}", "MEMS_METRICS_TOKEN": "scrape-me"}
    yesterday = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date().isoformat()
    setup = mems("chat", "--as", "olive", stdin=f'new Launch\ntask add C-1 "Posters" due={yesterday}\n', env=settings)
    assert setup.returncode == 0, setup.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEMS_")} | settings
    scheduler = subprocess.Popen([sys.executable, "-m", "bot.entry.cli", "scheduler", "--metrics-port", str(port)],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sent() -> float:
        answer = httpx.get(f"http://127.0.0.1:{port}/metrics", headers={"Authorization": "Bearer scrape-me"}, timeout=5)
        assert answer.status_code == 200
        return sum(s.value for f in text_string_to_metric_families(answer.text) for s in f.samples
                   if s.name == "mems_deliveries_total" and s.labels == {"platform": "console", "outcome": "sent"})

    try:
        deadline = time.monotonic() + 60
        while True:
            assert scheduler.poll() is None and time.monotonic() < deadline, scheduler.communicate()[1]
            try:
                if sent() >= 1:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        assert httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).status_code == 401  # the token guards it
    finally:
        scheduler.terminate()
        out, err = scheduler.communicate(timeout=60)
    assert scheduler.returncode == 0 and "MEMS scheduler stopped." in out, err
