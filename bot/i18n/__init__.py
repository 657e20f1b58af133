"""Words shown to people, in English and Chinese. `tr(lang, key, **params)` is the only way in."""

from __future__ import annotations

from typing import Any

from bot.i18n.alerts import ALERTS
from bot.i18n.errors import ERRORS
from bot.i18n.feishu import FEISHU
from bot.i18n.labels import LABELS
from bot.i18n.metrics import METRICS
from bot.i18n.slack import SLACK

CATALOG: dict[str, tuple[str, str]] = {**ERRORS, **LABELS, **ALERTS, **METRICS, **FEISHU, **SLACK}


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
