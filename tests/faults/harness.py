"""What the fault scenarios share: `mems` processes against a PostgreSQL schema of the test's own, outbox rows
seeded for a Slack and a Feishu workspace, and the figures read back from the outbox and the stand-ins."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, text

from adapters.db.engine import session_factory
from adapters.db.uow import SqlUnitOfWork
from bot.actions import Action, ActionId
from bot.cards import Button, Card
from domain.notifications import OutboxMessage, Target, TargetKind
from domain.people import Platform
from tests.integration import db_builders as build
from tests.standins.feishu import APP_ID, APP_SECRET

ROOT = Path(__file__).resolve().parents[2]
# How long a started `mems serve` may take to say it is up: seconds on a quiet machine, but a loaded 2-core one (two
# suites at once) has taken more than 30; waiting longer costs nothing when it is quick.
STARTUP_SECONDS = 90.0


def wait_until(check: Callable[[], Any], timeout: float, every: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(every)


@dataclass
class Db:
    """The test's PostgreSQL schema; backends opened by `mems` processes carry `app` as application_name."""

    url: str
    app: str
    engine: Engine

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(session_factory(self.engine))

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())

    def pending(self) -> int:
        return int(self.scalar("SELECT count(*) FROM outbox WHERE status = 'pending'"))

    def leased(self) -> int:
        """Pending rows under a lease that has not run out: what a worker holds."""
        return int(self.scalar("SELECT count(*) FROM outbox WHERE status = 'pending' AND lease_until > now()"))

    def terminate_backends(self) -> int:
        """pg_terminate_backend on every connection of the `mems` processes (not the test's own)."""
        return int(self.scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE application_name = :app AND pid <> pg_backend_pid()", app=self.app))


def seed(db: Db, count: int, channels: int, platform: Platform = Platform.SLACK, prefix: str = "approval.pending",
         not_before: datetime | None = None) -> list[str]:
    """`count` approval cards (never folded) over `channels` channels of a workspace of the platform; their keys."""
    keys = []
    with db.uow() as uow:
        workspace = uow.workspaces.add(build.workspace(f"{prefix}-{platform.value}", platform))
        assert workspace.id is not None
        card = Card("Budget request", buttons=(Button("Approve", Action(ActionId.APPROVE, "A-1")),))
        now = datetime.now(UTC)
        for n in range(count):
            ref = f"oc_{n % channels}" if platform is Platform.FEISHU else f"C{n % channels}"
            target = Target(TargetKind.CHANNEL, ref)
            key = f"{prefix}:A-{n}:step1:{target}"
            uow.outbox.add(OutboxMessage(key=key, kind="approval.pending", workspace_id=workspace.id, target=target,
                                         payload=card.to_dict(), created_at=now, not_before=not_before or now))
            keys.append(key)
        uow.commit()
    return keys


def environment(db: Db, slack_api: str | None = None, feishu_api: str | None = None, redis_url: str | None = None,
                **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEMS_")}
    env.update({"MEMS_DATABASE_URL": db.url, "MEMS_LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT),
                "MEMS_SCAN_INTERVAL_SECONDS": "3600", "PYTHONUNBUFFERED": "1"})
    if slack_api:
        env.update({"MEMS_SLACK_BOT_TOKEN": "xoxb-stand-in", "MEMS_SLACK_SIGNING_SECRET": "stand-in-secret",
                    "MEMS_SLACK_API_URL": slack_api})
    if feishu_api:
        env.update({"MEMS_FEISHU_APP_ID": APP_ID, "MEMS_FEISHU_APP_SECRET": APP_SECRET,
                    "MEMS_FEISHU_VERIFICATION_TOKEN": "stand-in-token", "MEMS_FEISHU_ENCRYPT_KEY": "stand-in-key",
                    "MEMS_FEISHU_API_URL": feishu_api})
    if redis_url:
        env["MEMS_REDIS_URL"] = redis_url
    env.update({f"MEMS_{k.upper()}": v for k, v in settings.items()})
    return env


class Mems:
    """`mems <args>` as a process of its own; its output goes to a file (read it with `log()`)."""

    def __init__(self, tmp: Path, name: str, env: dict[str, str], *args: str) -> None:
        self.path = tmp / f"{name}.log"
        self._out: IO[bytes] = self.path.open("wb")
        self.process = subprocess.Popen([sys.executable, "-m", "bot.entry.cli", *args], cwd=ROOT, env=env,
                                        stdout=self._out, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.path.read_text(errors="replace")

    def signal(self, sig: signal.Signals) -> None:
        self.process.send_signal(sig)

    def wait(self, timeout: float = 30) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self._out.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.wait(10)


def sent_by_feishu_uuid(keys: list[str]) -> dict[str, str]:
    """uuid → outbox key, as the Feishu gateway derives its idempotency key."""
    from adapters.feishu.client import idempotency_key

    return {idempotency_key(key): key for key in keys}
