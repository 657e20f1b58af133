"""SIGKILL of `mems serve` (Feishu over the long connection) right after it answered N messages: each was kept in
the inbox before its answer went back on the socket, so a server started after it runs every one that had not run,
and none twice (the command's own transaction marks its request done)."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.harness import STARTUP_SECONDS, Db, Mems, environment, wait_until
from tests.standins.feishu import APP_ID, APP_SECRET, OpenApi, serve
from tests.standins.feishu_events import Feishu
from tests.standins.feishu_longconn import LongConnection
from tests.standins.server import free_port

pytestmark = [pytest.mark.timeout(300), pytest.mark.faults, pytest.mark.postgres]
MESSAGES = 24


@pytest.fixture
def feishu_ws() -> Iterator[tuple[OpenApi, LongConnection, str]]:
    api, socket = OpenApi(), LongConnection().start()
    api.long_connection = socket
    with serve(api) as url:
        yield api, socket, url
    socket.stop()


def _serve(tmp_path: Path, name: str, env: dict[str, str]) -> Mems:
    server = Mems(tmp_path, name, env, "serve", "--port", str(free_port()))
    assert wait_until(lambda: "startup complete" in server.log(), STARTUP_SECONDS), server.log()
    return server


def _created(db: Db) -> list[str]:
    return [row[0] for row in db.rows("SELECT name FROM campaigns WHERE name LIKE 'Kill %' ORDER BY name")]


def test_messages_answered_by_a_killed_server_all_run_once_after_restart(
        db: Db, feishu_ws: tuple[OpenApi, LongConnection, str], tmp_path: Path) -> None:
    api, socket, url = feishu_ws
    env = environment(db, admins="feishu:ou_li", inbox_lease_seconds="3", feishu_app_id=APP_ID,
                      feishu_app_secret=APP_SECRET, feishu_api_url=url, feishu_mode="ws")
    first = _serve(tmp_path, "first", env)
    socket.wait_connected(1, timeout=30)
    feishu = Feishu()
    feishu.person("李", "ou_li")
    events = [feishu.message("李", f"@MEMS new “Kill {n:02d}” budget=1000", "oc_home") for n in range(MESSAGES)]
    with concurrent.futures.ThreadPoolExecutor(MESSAGES) as pool:
        codes = list(pool.map(lambda event: socket.push(event, timeout=20).code, events))
    first.signal(signal.SIGKILL)  # right after the last answer
    first.wait()
    assert codes == [200] * MESSAGES
    ran_before = len(_created(db))
    kept = int(db.scalar("SELECT count(*) FROM inbox WHERE status = 'pending'"))

    second = _serve(tmp_path, "second", env)
    try:
        assert wait_until(lambda: len(_created(db)) >= MESSAGES, 60, 0.2), second.log()[-3000:]
        time.sleep(1)  # anything that would run twice has had its chance
        created = _created(db)
        print(f"\nSIGKILL after {MESSAGES} answers on the long connection: {ran_before} had run, {kept} kept in the "
              f"inbox; lost after restart {MESSAGES - len(set(created))}/{MESSAGES}, "
              f"run twice {len(created) - len(set(created))}")
        assert sorted(created) == [f"Kill {n:02d}" for n in range(MESSAGES)]  # every one, none twice
        assert int(db.scalar("SELECT count(*) FROM inbox WHERE status = 'pending'")) == 0
        replied = [e for e in events if api.replies_to(e["event"]["message"]["message_id"])]
        assert len(replied) >= MESSAGES - ran_before  # the second server answered what it ran
    finally:
        second.signal(signal.SIGTERM)
        second.wait(30)


def test_a_killed_command_worker_loses_no_message_and_the_long_connection_keeps_answering(
        db: Db, feishu_ws: tuple[OpenApi, LongConnection, str], tmp_path: Path) -> None:
    """On PostgreSQL the web process (holding the long connection) only keeps and answers; SIGKILL its command
    worker while it works: every message is still answered at once, another worker runs each once."""
    api, socket, url = feishu_ws
    env = environment(db, admins="feishu:ou_li", inbox_lease_seconds="3", feishu_app_id=APP_ID,
                      feishu_app_secret=APP_SECRET, feishu_api_url=url, feishu_mode="ws")
    server = _serve(tmp_path, "split", env)
    try:
        socket.wait_connected(1, timeout=30)
        assert wait_until(lambda: "command worker" in server.log(), 30), server.log()
        [worker] = [int(p) for p in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]
        feishu = Feishu()
        feishu.person("李", "ou_li")
        events = [feishu.message("李", f"@MEMS new “Kill {n:02d}” budget=1000", "oc_home") for n in range(MESSAGES)]
        half = MESSAGES // 2
        with concurrent.futures.ThreadPoolExecutor(half) as pool:
            codes = list(pool.map(lambda event: socket.push(event, timeout=20).code, events[:half]))
            os.kill(worker, signal.SIGKILL)  # while it works the first half
            codes += list(pool.map(lambda event: socket.push(event, timeout=20).code, events[half:]))
        assert codes == [200] * MESSAGES  # answered with no command worker alive
        assert wait_until(lambda: len(_created(db)) >= MESSAGES, 60, 0.2), server.log()[-3000:]
        time.sleep(1)  # anything that would run twice has had its chance
        assert sorted(_created(db)) == [f"Kill {n:02d}" for n in range(MESSAGES)]  # every one, none twice
        assert all(api.replies_to(e["event"]["message"]["message_id"]) for e in events[half:])
    finally:
        server.signal(signal.SIGTERM)
        assert server.wait(60) == 0
