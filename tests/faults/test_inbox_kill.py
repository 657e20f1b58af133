"""SIGKILL of `mems serve` right after it acknowledged N slash commands: each was kept before its acknowledgement,
so a server started after it runs every one that had not run, and none twice."""

from __future__ import annotations

import concurrent.futures
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.faults.harness import Db, Mems, environment, wait_until
from tests.integration.slack.harness import fixture, form, signed_headers
from tests.standins.server import free_port
from tests.standins.slack import TEAM, SlackStandIn

pytestmark = [pytest.mark.faults, pytest.mark.postgres]
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
    assert wait_until(lambda: "startup complete" in server.log(), 30), server.log()
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
