"""A running MEMS for a browser: the real app in a uvicorn thread over a SQLite file, its console gateway printing into
a buffer (the chat a test reads), and sign-in through the chat's own `dashboard` link."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.cards import Reply
from bot.context import Context
from bot.entry import bootstrap
from bot.entry.web import create_app
from domain.people import Platform
from tests.builders import settings
from tests.standins.server import Server, free_port

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def chromium_or_skip() -> str:
    if shutil.which(CHROMIUM) is None:
        if os.environ.get("MEMS_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
        pytest.skip(f"browser tests: {CHROMIUM} is not installed")
    return CHROMIUM


class Site:
    def __init__(self, database: Path, **overrides: Any) -> None:
        self.port = free_port()
        self.chat_log = io.StringIO()
        values = {"database_url": f"sqlite:///{database}", "port": self.port, **overrides}
        self.container = bootstrap.build(settings(**values), console_out=self.chat_log)
        self.server = Server(create_app(self.container, run_workers=False), self.port)

    @property
    def url(self) -> str:
        return self.server.url

    def say(self, user: str, text: str, workspace: str = "local") -> Reply:
        """A line typed in the console, as `mems chat --as user` sends it."""
        return self.container.bus.execute(Context(Platform.CONSOLE, workspace, user, workspace, user_name=user), text)

    def ok(self, user: str, text: str, workspace: str = "local") -> Reply:
        reply = self.say(user, text, workspace)
        assert not reply.is_error, reply.text
        return reply

    def link(self, user: str, workspace: str = "local") -> str:
        """The `dashboard` command's answer: a link to this very server (its port is the settings' MEMS_PORT)."""
        url = self.ok(user, "dashboard", workspace).card.sections[0].text
        assert url.startswith(self.url + "/login/")
        return url

    def deliver(self) -> str:
        """Run the delivery worker once; what the chat printed since the last call."""
        start = len(self.chat_log.getvalue())
        # Playwright's sync API keeps an event loop in this thread: the worker runs in a thread of its own.
        worker = threading.Thread(target=lambda: asyncio.run(self.container.delivery.drain()))
        worker.start()
        worker.join(timeout=30)
        return self.chat_log.getvalue()[start:]


@contextmanager
def running(database: Path, **overrides: Any) -> Iterator[Site]:
    site = Site(database, **overrides)
    site.server.start()
    try:
        yield site
    finally:
        site.server.stop()
        site.container.close()
