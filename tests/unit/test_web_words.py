"""Every word the dashboard's templates show is registered in English and Chinese (bot.i18n), as the code's are."""

from __future__ import annotations

import re
from pathlib import Path

from bot.i18n import CATALOG

TEMPLATES = Path(__file__).resolve().parents[2] / "adapters" / "web" / "templates"
KEY = re.compile(r"""w\.t\(\s*["']([a-z_.]+)["']""")


def test_every_key_a_template_names_is_registered() -> None:
    keys = {key for path in TEMPLATES.glob("*.html") for key in KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(keys) > 40, "the scan found too few w.t(...) calls to be looking in the right place"
    assert sorted(k for k in keys - CATALOG.keys() if not k.endswith(".")) == []  # prefixes: the next test


def test_keys_built_in_templates_are_registered() -> None:
    """risk.<risk>, risk.level.<level>, web.scope.<scope>: built from enums in the templates."""
    from bot.portfolio import Scope
    from domain.portfolio import Level, Risk

    built = {f"risk.{r}" for r in Risk} | {f"risk.level.{lv}" for lv in Level} | {f"web.scope.{s}" for s in Scope}
    assert sorted(built - CATALOG.keys()) == []
