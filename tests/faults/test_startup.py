"""Several processes starting at the same moment on a fresh database migrate one at a time: the others wait for
the migration lock and find the schema current (PostgreSQL: `mems db upgrade` on every replica; SQLite: `mems chat`
in several terminals)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import _postgres_schema
from tests.faults.harness import ROOT

pytestmark = [pytest.mark.faults]


def start_together(tmp_path: Path, count: int, url: str, *args: str, stdin: str = "") -> list[tuple[int, str]]:
    go = tmp_path / "go"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MEMS_")}, "MEMS_DATABASE_URL": url,
           "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen([sys.executable, "-m", "tests.faults.start_together", str(go), *args], cwd=ROOT,
                                  env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True) for _ in range(count)]
    time.sleep(3)  # every one has loaded and waits for the signal
    go.touch()
    return [(p.returncode, out) for p in processes for out, _ in [p.communicate(stdin, timeout=60)]]


@pytest.mark.postgres
def test_replicas_upgrading_a_fresh_postgresql_at_once_all_succeed(tmp_path: Path) -> None:
    for url in _postgres_schema():
        results = start_together(tmp_path, 4, url, "db", "upgrade")
        print(f"\nfour `mems db upgrade` at once on a fresh PostgreSQL: exit codes {[code for code, _ in results]}")
        assert all(code == 0 and "up to date" in out for code, out in results), results


def test_consoles_opening_a_fresh_sqlite_file_at_once_all_work(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mems.db'}"
    results = start_together(tmp_path, 4, url, "chat", "--as", "olive", stdin="help\n")
    print(f"\nfour `mems chat` at once on a fresh SQLite file: exit codes {[code for code, _ in results]}")
    assert all(code == 0 and "Traceback" not in out for code, out in results), results
