"""Text MEMS can store and show: PostgreSQL refuses NUL in text, and a lone surrogate (JSON's "\\ud800" decodes to
one) has no UTF-8 form, so SQLite, psycopg and every JSON answer fail to encode it. Such text is refused where it
comes in, naming the field; text echoed back (in an answer or a log line) is escaped and cut short."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Shown text keeps printable characters; control characters (CR/LF in a log line) and the above become escapes.
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def storable(text: str) -> bool:
    return _UNSTORABLE.search(text) is None


def unstorable_field(value: object, name: str = "") -> str | None:
    """The name of the first field of a command (a dataclass, looked into nested dataclasses, tuples and mappings)
    whose text cannot be stored; None when every text is fine."""
    if isinstance(value, str):
        return None if storable(value) else name
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            found = unstorable_field(getattr(value, item.name), name or item.name)
            if found is not None:
                return found
        return None
    if isinstance(value, Mapping):
        return next((found for key, item in value.items()
                     if (found := unstorable_field(key, name) or unstorable_field(item, name)) is not None), None)
    if isinstance(value, tuple | list | frozenset | set):
        return next((found for item in value if (found := unstorable_field(item, name)) is not None), None)
    return None


def escaped(text: str) -> str:
    """NUL and lone surrogates written as escapes (`\\x00`, `\\ud800`); everything else as it is."""
    return _UNSTORABLE.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    return found.group().encode("unicode_escape", "backslashreplace").decode("ascii")


def shown(text: str, limit: int = 80) -> str:
    """Untrusted text made safe to echo: at most `limit` characters, control characters, NUL and lone surrogates
    written as escapes (`\\n`, `\\x00`, `\\ud800`), so a log line stays one line and an answer always encodes."""
    cut = text[:limit]
    safe = _UNSHOWABLE.sub(_escape, cut)
    return safe + ("…" if len(text) > limit else "")
