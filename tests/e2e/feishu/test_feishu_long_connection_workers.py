"""`mems serve --workers 2` in ws mode: one long connection for the whole server (the worker holding the lease
`feishu-long-connection` in the database), which answers; the lease is given back when the server stops."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.standins.feishu import APP_ID, APP_SECRET, OpenApi, serve
from tests.standins.feishu_events import Feishu
from tests.standins.feishu_longconn import LongConnection
from tests.standins.server import free_port


def _leases(database: Path) -> dict[str, str]:
    with sqlite3.connect(database) as db:
        return dict(db.execute("SELECT name, owner FROM leases").fetchall())


def test_two_workers_open_one_long_connection_and_answer_over_it(tmp_path: Path) -> None:
    api, socket = OpenApi(), LongConnection().start()
    api.long_connection = socket
    database = tmp_path / "mems.db"
    with serve(api) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEMS_")}
        env.update({"MEMS_DATABASE_URL": f"sqlite:///{database}", "MEMS_FEISHU_APP_ID": APP_ID,
                    "MEMS_FEISHU_APP_SECRET": APP_SECRET, "MEMS_FEISHU_API_URL": url, "MEMS_FEISHU_MODE": "ws",
                    "MEMS_SCHEDULER": "off"})
        server = subprocess.Popen([sys.executable, "-m", "bot.entry.cli", "serve", "--port", str(free_port()),
                                   "--workers", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        try:
            socket.wait_connected(1, timeout=90)
            time.sleep(3)  # both workers have started and tried the lease by now
            assert len(socket.connections) == 1 and socket.connected_total == 1
            assert "feishu-long-connection" in _leases(database)
            feishu = Feishu()
            feishu.person("李", "ou_li")
            event = feishu.message("李", "@MEMS help", "oc_home")
            assert socket.push(event, timeout=20).code == 200
            deadline = time.monotonic() + 30
            while not api.replies_to(event["event"]["message"]["message_id"]):
                assert time.monotonic() < deadline, "no reply to a message pushed over the long connection"
                time.sleep(0.1)
        finally:
            server.terminate()
            out, err = server.communicate(timeout=60)
            socket.stop()
    assert server.returncode == 0 and "MEMS stopped." in out, err
    assert err.count("Feishu long connection: connected") == 1, err
    assert "feishu-long-connection" not in _leases(database)  # given back: another server connects at once
