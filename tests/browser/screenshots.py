"""The README's screenshots: `mems demo`'s workspace in the dashboard, the portfolio and a campaign, in English and
Chinese. Run `python -m tests.browser.screenshots` (needs chromium and, for Chinese, a CJK font: fonts-noto-cjk)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from bot.demo import Size
from bot.demo_load import load
from tests.browser.site import ARGS, CHROMIUM, running

DOCS = Path(__file__).resolve().parents[2] / "docs"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, running(Path(folder) / "mems.db") as site:
        c = site.container
        assert c.bulk is not None
        loaded = load(c.uow_factory, c.bulk, c.bus, Size())
        campaign = f"C-{loaded.plan.bundles[loaded.plan.anomaly or 0].campaign.pk}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for lang in ("en", "zh"):
                site.ok("alice", f"settings lang={lang}")
                page = browser.new_page(viewport={"width": 1280, "height": 860}, device_scale_factor=1)
                page.goto(site.link("alice"))
                page.wait_for_load_state("networkidle")
                page.screenshot(path=DOCS / f"dashboard-portfolio-{lang}.png", full_page=True)
                page.goto(f"{site.url}/campaigns/{campaign}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=DOCS / f"dashboard-campaign-{lang}.png", full_page=True)
                page.close()
            browser.close()
    print(f"saved docs/dashboard-{{portfolio,campaign}}-{{en,zh}}.png ({campaign})")


if __name__ == "__main__":
    main()
