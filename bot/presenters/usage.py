"""A command's usage and examples in the reader's language: in Chinese the Chinese verb comes first
(`新建 <name> [budget=]`), the options stay as typed, since the parser reads them in either language."""

from __future__ import annotations

from bot.parsing.grammar import TABLE, Spec

BY_USAGE = {spec.usage: spec for spec in TABLE}


def chinese_verb(spec: Spec) -> str | None:
    return next((alias for alias in spec.aliases if not alias.isascii()), None)


def localized(spec: Spec, line: str, lang: str) -> str:
    """`line` (the usage or an example) with its leading verb in Chinese for a Chinese reader."""
    verb = chinese_verb(spec) if lang == "zh" else None
    if verb is None or not line.startswith(spec.name):
        return line
    return verb + line[len(spec.name):]


def other_names(spec: Spec, lang: str) -> str:
    """The names a verb also goes by: the English one and the other aliases for a Chinese reader."""
    verb = chinese_verb(spec) if lang == "zh" else None
    if verb is None:
        return " / ".join(spec.aliases)
    return " / ".join([spec.name, *(a for a in spec.aliases if a != verb)])


def usage_line(line: str, lang: str) -> str:
    spec = BY_USAGE.get(line)
    return localized(spec, line, lang) if spec else line
