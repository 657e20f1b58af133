"""Drive `mems chat` as a real subprocess: a script on standard input, the printed replies back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def mems(*args: str, stdin: str = "", env: dict[str, str] | None = None,
         timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MEMS_")}
    full_env.update(env or {})
    full_env.setdefault("PYTHONIOENCODING", "utf-8")
    return subprocess.run([sys.executable, "-m", "bot.entry.cli", *args], input=stdin, capture_output=True, text=True,
                          env=full_env, timeout=timeout, check=False)


class Console:
    """A team sharing one database, each person typing into their own `mems chat`."""

    def __init__(self, database: Path, **settings: str) -> None:
        self.env = {"MEMS_DATABASE_URL": f"sqlite:///{database}", "MEMS_ADMINS": "console:alice", **settings}

    def chat(self, user: str, *lines: str) -> str:
        result = mems("chat", "--as", user, "--echo", stdin="\n".join(lines) + "\n", env=self.env)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stdout + result.stderr, result.stderr
        return result.stdout
