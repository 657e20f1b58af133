"""PostgreSQL backends terminated under load: nothing is sent twice (the platform's answer is recorded first, and
that write retried), a command whose connection is cut is run again rather than answered "internal error", and the
loser of an approval race is told who decided."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from adapters.console.render import render
from bot.context import Context
from bot.entry import bootstrap
from domain.people import Platform
from tests.builders import settings
from tests.faults.harness import Db, Mems, environment, seed
from tests.standins.slack_limited import SlackStandIn

pytestmark = [pytest.mark.faults, pytest.mark.postgres]


def test_backends_terminated_under_load_deliver_everything_once(
        db: Db, slack: tuple[SlackStandIn, str], tmp_path: Path) -> None:
    standin, api = slack
    keys = seed(db, 600, 300)
    worker = Mems(tmp_path, "worker", environment(db, api), "scheduler")
    terminated, deadline = 0, time.monotonic() + 90
    while db.pending() and time.monotonic() < deadline:
        terminated += db.terminate_backends()
        time.sleep(0.1)
    worker.signal(signal.SIGTERM)
    assert worker.wait() == 0, worker.log()[-3000:]
    duplicates = standin.duplicates()
    print(f"\n{terminated} backends terminated while delivering {len(keys)}: {len(duplicates)} sent twice")
    assert terminated > 10  # the database really was failing under the worker
    assert set(standin.counts()) == set(keys) and not duplicates


@pytest.fixture
def bot(db: Db) -> Iterator[bootstrap.Container]:
    container = bootstrap.build(settings(database_url=db.url, admins="console:alice"))
    yield container
    container.close()


def say(bot: bootstrap.Container, user: str, line: str) -> str:
    ctx = Context(Platform.CONSOLE, "local", user, "local", user_name=user)
    return render(bot.bus.execute(ctx, line).card)


def test_a_command_whose_connection_is_cut_mid_transaction_is_run_again(db: Db, bot: bootstrap.Container) -> None:
    cut: list[int] = []

    def terminate_once(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO campaigns") and not cut:
            cut.append(conn.connection.dbapi_connection.info.backend_pid)
            db.scalar("SELECT pg_terminate_backend(:pid)", pid=cut[0])

    event.listen(Engine, "before_cursor_execute", terminate_once)
    try:
        answer = say(bot, "olive", 'new "Spring Launch"')
    finally:
        event.remove(Engine, "before_cursor_execute", terminate_once)
    print(f"\nconnection cut mid-command: {answer.splitlines()[0]}")
    assert cut, "the command's connection was not cut"
    assert "Spring Launch" in answer and "internal error" not in answer.lower()
    assert db.scalar("SELECT count(*) FROM campaigns") == 1


@pytest.mark.parametrize(("amount", "loser_told"), [("1,000", "was already approved by"),
                                                   ("200,000", "Step 1 of A-{n} was already approved by")])
def test_the_loser_of_an_approval_race_is_told_who_decided(bot: bootstrap.Container, amount: str,
                                                           loser_told: str) -> None:
    for line in ("role add @bob manager", "role add @carl manager", "role add @fay finance"):
        say(bot, "alice", line)
    say(bot, "olive", 'new "Spring" budget=500k')
    for n in range(1, 6):
        say(bot, "olive", f'budget request C-1 {amount} "fees {n}"')
        answers: dict[str, str] = {}
        start = threading.Barrier(2)

        def approve(user: str, n: int = n, start: threading.Barrier = start,
                    answers: dict[str, str] = answers) -> None:
            start.wait()
            answers[user] = say(bot, user, f"approve A-{n} ok")

        racers = [threading.Thread(target=approve, args=(user,)) for user in ("bob", "carl")]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(30)
        lost = [text for text in answers.values() if "Nothing changed" in text]
        assert len(lost) == 1, answers
        assert loser_told.format(n=n) in lost[0] and "internal error" not in lost[0].lower(), lost[0]
