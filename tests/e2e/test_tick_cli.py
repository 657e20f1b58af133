"""`mems tick` and `mems outbox` as an operator runs them: a second tick sends nothing twice; dead rows show in
one line each, without secrets, and come back with --replay."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from adapters.db.engine import make_engine, session_factory
from adapters.db.outbox_store import SqlOutboxStore

ROOT = Path(__file__).resolve().parents[2]
MEMS = [sys.executable, "-c", "from bot.entry.cli import main; main()"]


def mems(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MEMS_DATABASE_URL": f"sqlite:///{db}", "MEMS_ADMINS": "console:alice",
           "MEMS_TIMEZONE": "Asia/Shanghai"}
    env.pop("MEMS_REDIS_URL", None)
    return subprocess.run([*MEMS, *args], input=stdin, capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=60, check=False)


def test_tick_twice_sends_nothing_twice_and_outbox_shows_and_replays(tmp_path: Path) -> None:
    db = tmp_path / "mems.db"
    commands = 'new "Spring Launch"\ntask add C-1 "Book venue" @bob due=2026-11-20\n'
    chat = mems(db, "chat", "--as", "olive", stdin=commands)
    assert chat.returncode == 0, chat.stderr
    first = mems(db, "tick", "--at", "2026-11-25T09:00")
    assert first.returncode == 0, first.stderr
    assert "to #local" in first.stdout and "Overdue: T-1 Book venue" in first.stdout
    assert "ScanDeadlines: 2 new" in first.stdout  # the overdue alert and its escalation to the owner
    second = mems(db, "tick", "--at", "2026-11-25T09:05")
    assert "Overdue" not in second.stdout and "ScanDeadlines: 0 new" in second.stdout
    assert "delivered 0" in second.stdout

    engine = make_engine(f"sqlite:///{db}")
    assert not SqlOutboxStore(session_factory(engine)).list_pending()
    sent_id = 1  # pretend the first message gave up, with a token in the platform's error text
    with session_factory(engine)() as session:
        session.execute(text("UPDATE outbox SET status='dead', attempts=8, "
                             "last_error='invalid_auth for xoxb-123-secret\nsecond line' WHERE id=:id"),
                        {"id": sent_id})
        session.commit()
    engine.dispose()
    listing = mems(db, "outbox", "--dead")
    assert listing.returncode == 0 and "Dead: 1" in listing.stdout
    assert "attempts 8" in listing.stdout and "[redacted]" in listing.stdout and "xoxb" not in listing.stdout
    assert "second line" in listing.stdout.splitlines()[1]  # one line per row
    replayed = mems(db, "outbox", "--replay", str(sent_id))
    assert replayed.returncode == 0 and "back in line" in replayed.stdout
    assert "Pending: 1" in mems(db, "outbox").stdout
    assert mems(db, "outbox", "--replay", "999").returncode == 1
