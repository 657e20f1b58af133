"""SIGKILL of `mems serve` right after it acknowledged N slash commands: each was kept before its acknowledgement,
so a server started after it runs every one that had not run, and none twice."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.faults.harness import STARTUP_SECONDS, Db, Mems, environment, wait_until
from tests.integration.slack.harness import fixture, form, signed_headers
from tests.standins.server import free_port
from tests.standins.slack import TEAM, SlackStandIn

pytestmark = [pytest.mark.timeout(300), pytest.mark.faults, pytest.mark.postgres]
COMMANDS = 26
SECRET = "stand-in-secret"  # the harness's MEMS_SLACK_SIGNING_SECRET


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    server = SlackStandIn().start()
    server.add_user("UADMIN", "Ada")
    yield server
    server.stop()


def _serve(tmp_path: Path, name: str, env: dict[str, str]) -> tuple[Mems, str]:
    port = free_port()
    server = Mems(tmp_path, name, env, "serve", "--port", str(port))
    assert wait_until(lambda: "startup complete" in server.log(), STARTUP_SECONDS), server.log()
    return server, f"http://127.0.0.1:{port}"


def _command(base: str, standin: SlackStandIn, n: int) -> int:
    fields = dict(fixture("slash_command")["fields"])
    fields.update(team_id=TEAM, user_id="UADMIN", user_name="ada", channel_id="CHOME", command="/mems",
                  text=f'new "Kill {n:02d}" budget=1000', trigger_id=f"kill-{n}",
                  response_url=standin.response_url(f"kill-{n}"))
    body = form(fields)
    headers = signed_headers(body, "application/x-www-form-urlencoded", secret=SECRET)
    return httpx.post(f"{base}/slack/events", content=body, headers=headers, timeout=10).status_code


def _created(db: Db) -> list[str]:
    return [row[0] for row in db.rows("SELECT name FROM campaigns WHERE name LIKE 'Kill %' ORDER BY name")]


def test_commands_acknowledged_by_a_killed_server_all_run_once_after_restart(
        db: Db, standin: SlackStandIn, tmp_path: Path) -> None:
    env = environment(db, standin.api_url, admins="slack:UADMIN", inbox_lease_seconds="3")
    first, base = _serve(tmp_path, "first", env)
    with concurrent.futures.ThreadPoolExecutor(COMMANDS) as pool:
        codes = list(pool.map(lambda n: _command(base, standin, n), range(COMMANDS)))
    first.signal(signal.SIGKILL)  # right after the last acknowledgement
    first.wait()
    assert codes == [200] * COMMANDS
    ran_before = len(_created(db))
    kept = int(db.scalar("SELECT count(*) FROM inbox WHERE status = 'pending'"))

    second, _ = _serve(tmp_path, "second", env)
    try:
        assert wait_until(lambda: len(_created(db)) >= COMMANDS, 60, 0.2), second.log()[-3000:]
        time.sleep(1)  # anything that would run twice has had its chance
        created = _created(db)
        lost_before, lost_after = COMMANDS - ran_before, COMMANDS - len(set(created))
        print(f"\nSIGKILL after {COMMANDS} acknowledgements: {ran_before} had run, {kept} kept in the inbox; "
              f"lost without the inbox {lost_before}/{COMMANDS}, lost after restart {lost_after}/{COMMANDS}, "
              f"run twice {len(created) - len(set(created))}")
        assert sorted(created) == [f"Kill {n:02d}" for n in range(COMMANDS)]  # every one, none twice
        assert int(db.scalar("SELECT count(*) FROM inbox WHERE status = 'pending'")) == 0
    finally:
        second.signal(signal.SIGTERM)
        second.wait(30)


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_a_killed_command_worker_loses_nothing_and_the_web_process_keeps_acknowledging(
        db: Db, standin: SlackStandIn, tmp_path: Path) -> None:
    """On PostgreSQL the web process only acknowledges; its command worker runs the commands. SIGKILL the worker
    while it works: the web process answers every request meanwhile, `mems serve` starts another worker, and every
    command runs once."""
    env = environment(db, standin.api_url, admins="slack:UADMIN", inbox_lease_seconds="3")
    server, base = _serve(tmp_path, "split", env)
    try:
        assert wait_until(lambda: "command worker" in server.log(), 30), server.log()
        [worker] = _children(server.pid)
        half = COMMANDS // 2
        with concurrent.futures.ThreadPoolExecutor(half) as pool:
            codes = list(pool.map(lambda n: _command(base, standin, n), range(half)))
            os.kill(worker, signal.SIGKILL)  # while it works the first half
            codes += list(pool.map(lambda n: _command(base, standin, n), range(half, COMMANDS)))
        assert codes == [200] * COMMANDS  # acknowledged with no command worker alive
        assert wait_until(lambda: len(_created(db)) >= COMMANDS, 60, 0.2), server.log()[-3000:]
        time.sleep(1)  # anything that would run twice has had its chance
        created = _created(db)
        assert sorted(created) == [f"Kill {n:02d}" for n in range(COMMANDS)]  # every one, none twice
        assert _children(server.pid) != [worker]  # another worker took its place
        assert int(db.scalar("SELECT count(*) FROM inbox WHERE status = 'pending'")) == 0
    finally:
        server.signal(signal.SIGTERM)
        assert server.wait(60) == 0


def test_two_web_workers_and_two_command_workers_run_each_command_once_and_scan_in_one(
        db: Db, standin: SlackStandIn, tmp_path: Path) -> None:
    """`mems serve --workers 2` on PostgreSQL: two web processes acknowledge, two command workers run the commands
    (each once, whichever web process kept it) and the scheduler, whose scans run in the one holding the lease."""
    env = environment(db, standin.api_url, admins="slack:UADMIN")
    port = free_port()
    server = Mems(tmp_path, "workers", env, "serve", "--port", str(port), "--workers", "2")
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: server.log().count("command worker") >= 2 and "startup complete" in server.log(),
                          60), server.log()
        commands = [p for p in _children(server.pid) if Path(f"/proc/{p}/cmdline").read_bytes().endswith(b"\0work\0")]
        assert len(commands) == 2  # beside uvicorn's two web workers
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            assert list(pool.map(lambda n: _command(base, standin, n), range(COMMANDS))) == [200] * COMMANDS
        assert wait_until(lambda: len(_created(db)) >= COMMANDS, 60, 0.2), server.log()[-3000:]
        time.sleep(1)
        assert sorted(_created(db)) == [f"Kill {n:02d}" for n in range(COMMANDS)]
        assert wait_until(lambda: "this process is now the scanner" in server.log(), 30)
        assert [row[0] for row in db.rows("SELECT name FROM leases")] == ["scanner"]
    finally:
        server.signal(signal.SIGTERM)
        assert server.wait(60) == 0
    log = server.log()
    assert log.count("scheduler started") == 2 and log.count("this process is now the scanner") == 1, log[-3000:]
    assert db.rows("SELECT name FROM leases") == []  # released on the way out
