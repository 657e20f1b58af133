"""Every word a person may read exists in English and in Chinese. The keys are found through the registry
(bot.i18n.CATALOG, after every module that might register words is imported), never by file name, so wording
that moves (into an adapter, say) is still checked."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import string
from pathlib import Path

import pytest

import adapters
import bot
from bot.i18n import CATALOG, register
from domain.audit import AuditAction
from domain.task import TaskMove

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# Alembic's env runs on import; __main__ runs the CLI
NOT_IMPORTED = ("adapters.db.migrations", "bot.entry.cli.__main__")


def _import_everything() -> None:
    for package in (bot, adapters):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not module.name.startswith(NOT_IMPORTED):
                importlib.import_module(module.name)


_import_everything()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_each_key_reads_in_english_and_chinese_with_the_same_placeholders(key: str) -> None:
    en, zh = CATALOG[key]
    assert en.strip() and zh.strip(), f"{key} is empty in a language"
    assert placeholders(en) == placeholders(zh), f"{key}: {placeholders(en)} in English, {placeholders(zh)} in Chinese"
    assert CJK.search(zh) or zh == en, f"{key}: the Chinese text {zh!r} is not Chinese"


def _literal_keys() -> set[tuple[str, str]]:
    """(key, file) of every `tr(lang, "literal.key")` in the application and the adapters."""
    found = set()
    for folder in ("bot", "adapters"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                name = getattr(node, "func", None)
                called = getattr(name, "id", None) or getattr(name, "attr", None)
                if isinstance(node, ast.Call) and called == "tr" and len(node.args) >= 2 \
                        and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
                    found.add((node.args[1].value, str(path.relative_to(ROOT))))
    return found


def test_every_key_the_code_names_is_registered() -> None:
    keys = _literal_keys()
    assert len(keys) > 100, "the scan found too few tr(...) calls to be looking in the right place"
    assert sorted(k for k in keys if k[0] not in CATALOG) == []


def test_keys_built_from_enums_are_registered() -> None:
    """The audit trail names every action; a task's card titles every move a command can make."""
    needed = {f"audit.{action}" for action in AuditAction}
    needed |= {f"title.task_{move}" for move in TaskMove if move is not TaskMove.BLOCK} | {"title.task_blocked"}
    assert sorted(needed - CATALOG.keys()) == []


def test_a_key_registered_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=r"title\.tokens"):
        register({"title.tokens": ("Tokens", "令牌")})
