"""`mems demo` as a newcomer runs it: a fresh database gets a living workspace (campaigns in every phase, tasks,
approvals, 60 days of metrics by channel, an anomaly) that `mems chat --as alice` then sees; run twice, it refuses."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.e2e.console import Console, mems


def test_demo_fills_a_fresh_workspace_that_the_chat_then_sees(tmp_path: Path) -> None:
    database = tmp_path / "mems.db"
    env = {"MEMS_DATABASE_URL": f"sqlite:///{database}"}
    done = mems("demo", env=env)
    assert done.returncode == 0, done.stderr
    assert "12 campaigns" in done.stdout and "mems chat --as alice" in done.stdout
    with sqlite3.connect(database) as db:
        phases = {row[0] for row in db.execute("SELECT status FROM campaigns")}
        days = db.execute("SELECT count(DISTINCT day), count(DISTINCT channel) FROM daily_metrics").fetchone()
        anomalies = db.execute("SELECT count(*) FROM anomaly_evaluations WHERE outcome = 'alerted'").fetchone()[0]
    assert phases == {"planning", "active", "paused", "completed", "cancelled"}
    assert days[0] >= 60 and days[1] == 3 and anomalies >= 1
    console = Console(database)
    overview = console.chat("alice", "overview")
    assert "campaign(s)" in overview and "anomaly alert" in overview
    assert "Waiting for my decision" in console.chat("alice", "approvals")
    again = mems("demo", env=env)
    assert again.returncode == 1 and "already has people or campaigns" in again.stderr


def test_demo_is_sized_by_its_options(tmp_path: Path) -> None:
    database = tmp_path / "mems.db"
    done = mems("demo", "--campaigns", "40", "--people", "30", "--tasks", "5", "--days", "10",
                env={"MEMS_DATABASE_URL": f"sqlite:///{database}"})
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM campaigns").fetchone()[0] == 40
        assert db.execute("SELECT count(*) FROM members").fetchone()[0] == 30
        assert db.execute("SELECT count(*) FROM tasks").fetchone()[0] == 200
