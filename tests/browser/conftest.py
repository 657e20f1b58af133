"""One chromium for the browser tests (Debian's, launched by path: Playwright cannot download browsers here), one
server with a 30-task campaign for the module, and a fresh page per test that fails the test on any console error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.site import ARGS, Site, chromium_or_skip, running


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One chromium for the browser tests (they live in one module). Not for the whole session: Playwright's sync API
    keeps an event loop running in this thread while it is open, and later tests call asyncio.run."""
    path = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=path, args=ARGS)
        yield found
        found.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running(tmp_path_factory.mktemp("browser") / "mems.db", admins="console:alice") as found:
        found.ok("alice", "role add @bob manager")
        today = date.today()
        found.ok("olive", f'new "Spring Launch" budget=50k start={today - timedelta(days=30)} '
                          f'end={today + timedelta(days=60)} kpi.roi=3')
        for n in range(1, 31):  # due from 20 days ago to 67 days ahead: the first seven are overdue
            found.ok("olive", f'task add C-1 "Step {n}" @olive due={today + timedelta(days=3 * n - 23)}')
        found.ok("olive", 'budget request C-1 5000 "KOL fees"')
        found.ok("zed", 'new "Elsewhere"', workspace="other")
        yield found


@pytest.fixture
def page(browser: object, site: Site) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=site.url)  # type: ignore[attr-defined]
    found = context.new_page()
    problems: list[str] = []
    found.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    found.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    found.problems = problems
    yield found
    context.close()
    assert problems == [], problems


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "mems.db"
