"""The one place errors become words: what was wrong, and how to write it right."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.cards import Reply, Tone, text_card
from bot.i18n import has, tr
from bot.parsing import ParseError
from bot.parsing.grammar import TABLE
from bot.presenters import fmt
from bot.presenters.usage import BY_USAGE, localized, usage_line
from domain.errors import MemsError, NotAllowed
from domain.text import escaped

USAGE_EXAMPLES = {spec.usage: spec.examples for spec in TABLE}


def usage_line_example(usage: str, example: str, lang: str) -> str:
    spec = BY_USAGE.get(usage)
    return localized(spec, example, lang) if spec else example


def _error(text: str) -> Reply:
    return Reply(text_card(text, Tone.DANGER), public=False, is_error=True)


def _words(lang: str, params: dict[str, Any], tz: ZoneInfo | None = None) -> dict[str, Any]:
    """The error's details as words. Any of them may echo what a person typed, so none can mention anyone (the
    messages that name a person write `<@{user}>` around an id themselves)."""
    out = dict(params)
    for key, value in params.items():
        if isinstance(value, tuple | list):
            out[key] = fmt.user_text(", ".join(str(v) for v in value) or "-")
        elif isinstance(value, datetime):
            out[key] = fmt.moment(value, tz or ZoneInfo("UTC"), lang)
        elif isinstance(value, str):
            out[key] = fmt.user_text(escaped(value))  # a NUL or a lone surrogate echoed would not encode
    return out


def parse_error(exc: ParseError, lang: str) -> Reply:
    params = _words(lang, exc.params)
    if "what" in params:
        params["what"] = fmt.enum(lang, "what", str(params["what"]))
    got = params.get("got")
    params["got_part"] = f" (got '{got}')" if got and lang != "zh" else (f"（收到“{got}”）" if got else "")
    if exc.key == "unknown_command":
        suggestion = params.get("suggestion")
        params["hint"] = tr(lang, "parse.did_you_mean", suggestion=suggestion) if suggestion else ""
    lines = [tr(lang, f"parse.{exc.key}", **params)]
    if exc.usage:
        for usage in exc.usage.splitlines():
            lines.append(tr(lang, "usage", usage=usage_line(usage, lang)))
        examples = USAGE_EXAMPLES.get(exc.usage, ())
        if examples:
            lines.append(tr(lang, "example", example=usage_line_example(exc.usage, examples[0], lang)))
    return _error("\n".join(lines))


def _invalid(exc: MemsError, lang: str, params: dict[str, Any]) -> str:
    reason = params.get("reason", "")
    key = f"invalid.{reason}"
    return tr(lang, key, **params) if has(key) else tr(lang, "err.invalid_input", **params)


def domain_error(exc: MemsError, lang: str, tz: ZoneInfo | None = None) -> Reply:
    params = _words(lang, exc.params, tz)
    if "outcome" in params:
        params["outcome"] = fmt.enum(lang, "approval", str(params["outcome"]))
    if isinstance(exc, NotAllowed):
        params["action"] = tr(lang, f"action.{exc.params['action']}") if has(
            f"action.{exc.params['action']}") else exc.params["action"]
    if exc.code == "invalid_transition":
        current = str(exc.params["current"])
        params["current"] = next((fmt.enum(lang, family, current) for family in ("status", "task", "approval")
                                  if fmt.enum(lang, family, current) != current), current)
        params["allowed"] = params["allowed"] if exc.params["allowed"] else tr(lang, "label.nothing_allowed")
    if "status" in params:
        params["status"] = fmt.enum(lang, "status", str(params["status"]))
    if exc.code == "invalid_input":
        return _error(_invalid(exc, lang, params))
    return _error(tr(lang, f"err.{exc.code}", **params))


def internal_error(ref: str, lang: str) -> Reply:
    return _error(tr(lang, "err.internal", ref=ref))
