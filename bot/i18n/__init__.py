"""Words shown to people, in English and Chinese. `tr(lang, key, **params)` is the only way in.

The application's tables of words are registered here; a platform's wording lives in its adapter, which registers
it when imported (adapters/slack/words.py, adapters/feishu/words.py). `register` refuses a key that is already
taken, and `CATALOG` is the whole registry the tests check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.i18n.alerts import ALERTS
from bot.i18n.anomalies import ANOMALIES
from bot.i18n.approvals import APPROVALS
from bot.i18n.dashboard import DASHBOARD
from bot.i18n.editing import EDITING
from bot.i18n.errors import ERRORS
from bot.i18n.installs import INSTALLS
from bot.i18n.labels import LABELS
from bot.i18n.loop import LOOP
from bot.i18n.metrics import METRICS
from bot.i18n.report import REPORT
from bot.i18n.tokens import TOKENS

Words = Mapping[str, tuple[str, str]]  # key -> (English, Chinese)
CATALOG: dict[str, tuple[str, str]] = {}


def register(words: Words) -> None:
    """Add a table of words; a key registered twice would make one of its texts silently lost, so it is refused."""
    taken = sorted(CATALOG.keys() & words.keys())
    if taken:
        raise ValueError(f"translation keys registered twice: {', '.join(taken)}")
    CATALOG.update(words)


for _table in (ERRORS, LABELS, ALERTS, METRICS, ANOMALIES, TOKENS, APPROVALS):
    register(_table)
register(DASHBOARD)  # the portfolio and the web dashboard
register(LOOP)  # goals, A/B tests, retrospectives and forecasts
register(EDITING)  # editing, corrections, confirmation and undo
register(REPORT)  # media and all-in spend, both ROIs
register(INSTALLS)  # Slack OAuth and Feishu store apps


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def tr(lang: str, key: str, /, **params: Any) -> str:
    entry = CATALOG.get(key)
    if entry is None:
        return key
    template = entry[1] if lang == "zh" else entry[0]
    return template.format_map(_Params(params))


def has(key: str) -> bool:
    return key in CATALOG
