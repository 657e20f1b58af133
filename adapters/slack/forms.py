"""Slack modals: the campaign creation form, and what a button needs before it acts: a reason (Reject; what to change
for Return) or a person (Delegate, a users_select). Each submission is checked field by field by the real parser's
builder, or the action table, and becomes a typed command."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.actions import Action, ActionId, command_for
from bot.i18n import tr
from bot.parsing import ParseError, build
from bot.parsing.values import Now
from bot.presenters.errors import parse_error
from domain.commands import Command

NEW = "mems_new"
REASON = "mems_reason"
PERSON = "mems_person"
MAX_METADATA = 3000
DATES = ("start", "end", "launch")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a modal came from, carried in private_metadata: the channel, the response_url to answer on, and for a
    reason modal the clicked button's action."""

    channel: str | None = None
    response_url: str | None = None
    action: Action | None = None

    def encode(self) -> str:
        action = self.action.to_dict() if self.action else None
        return json.dumps({"c": self.channel, "u": self.response_url, "a": action},
                          separators=(",", ":"))[:MAX_METADATA]

    @classmethod
    def decode(cls, raw: Any) -> Origin:
        try:
            data = json.loads(raw or "{}") if isinstance(raw, str) else None
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        channel, url = data.get("c"), data.get("u")
        return cls(channel if isinstance(channel, str) else None, url if isinstance(url, str) else None,
                   Action.from_dict(data.get("a")))


Reader = Callable[[dict[str, Any], "Origin", str], "Command | Submission"]


@dataclass
class Submission:
    """A checked form: the command to run, or the errors to show on their fields."""

    command: Command | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _text(text: str, limit: int = 150) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


def _input(block: str, label: str, element: dict[str, Any], optional: bool = True, hint: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": "input", "block_id": block, "label": _text(label, 2000), "optional": optional,
                           "element": {"action_id": "value", **element}}
    if hint:
        out["hint"] = _text(hint, 2000)
    return out


def _plain(placeholder: str = "", multiline: bool = False, max_length: int = 200) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if placeholder:
        element["placeholder"] = _text(placeholder)
    return element


def _modal(callback: str, title: str, submit: str, lang: str, origin: Origin,
           blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "modal", "callback_id": callback, "title": _text(title, 24), "submit": _text(submit, 24),
            "close": _text(tr(lang, "slack.modal.cancel"), 24), "private_metadata": origin.encode(),
            "blocks": blocks}


def new_campaign(lang: str, templates: list[str], origin: Origin) -> dict[str, Any]:
    """The form behind `/mems new` with nothing after it."""
    options = [{"text": _text(name, 75), "value": name} for name in templates[:100]]
    template: dict[str, Any] = {"type": "static_select", "options": options} if options else _plain()
    dates = tr(lang, "slack.field.date.hint")
    blocks = [
        _input("name", tr(lang, "slack.field.name"), _plain(max_length=200), optional=False),
        _input("budget", tr(lang, "slack.field.budget"), _plain(tr(lang, "slack.field.budget.hint"), max_length=40)),
        *[_input(key, tr(lang, f"slack.field.{key}"), _plain(dates, max_length=40)) for key in DATES],
        _input("template", tr(lang, "slack.field.template"), template),
        _input("owner", tr(lang, "slack.field.owner"), {"type": "users_select"}),
        _input("kpis", tr(lang, "slack.field.kpis"), _plain(tr(lang, "slack.field.kpis.hint"), max_length=200)),
    ]
    return _modal(NEW, tr(lang, "slack.modal.new"), tr(lang, "slack.modal.create"), lang, origin, blocks)


def reason(lang: str, title: str, origin: Origin) -> dict[str, Any]:
    """Asks why, for a button that needs a reason: Reject's reason, Return's what to change."""
    returning = origin.action is not None and origin.action.id is ActionId.RETURN
    label = tr(lang, "slack.field.what_to_change" if returning else "slack.field.reason")
    blocks = [_input("reason", label, _plain(multiline=True, max_length=1000), optional=False)]
    return _modal(REASON, title, tr(lang, "slack.modal.send"), lang, origin, blocks)


def person(lang: str, title: str, origin: Origin) -> dict[str, Any]:
    """Asks whom, for a button that needs a person (Delegate): anyone in the workspace, from Slack's own picker."""
    blocks = [_input("person", tr(lang, "slack.field.person"), {"type": "users_select"}, optional=False,
                     hint=tr(lang, "slack.field.person.hint"))]
    return _modal(PERSON, title, tr(lang, "slack.modal.send"), lang, origin, blocks)


def value(state: dict[str, Any], block: str) -> str:
    """What one field holds: typed text, a chosen option, or a chosen user."""
    element = ((state.get("values") or {}).get(block) or {}).get("value") or {}
    chosen = element.get("selected_option") or {}
    found = element.get("value") or chosen.get("value") or element.get("selected_user") or ""
    return str(found).strip()


def _kpi_options(raw: str) -> dict[str, str]:
    """`roi=3, ctr=2%` → {"kpi.roi": "3", "kpi.ctr": "2%"}; a word without `=` is a KPI with no target (an error)."""
    found: dict[str, str] = {}
    for word in raw.replace(",", " ").replace("，", " ").split():
        key, _, target = word.partition("=")
        found[key if key.lower().startswith("kpi.") else f"kpi.{key}"] = target
    return found


def _options(state: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Each filled field as the options it stands for."""
    options: dict[str, dict[str, str]] = {}
    for key in ("budget", *DATES, "template"):
        found = value(state, key)
        if found:
            options[key] = {key: found}
    owner = value(state, "owner")
    if owner:
        options["owner"] = {"owner": f"<@{owner}>"}
    kpis = value(state, "kpis")
    if kpis:
        options["kpis"] = _kpi_options(kpis)
    return options


def _first_line(exc: ParseError, lang: str) -> str:
    return parse_error(exc, lang).text.splitlines()[0][:2000]


def read_new(state: dict[str, Any], now: Now, templates: list[str], lang: str) -> Submission:
    """Check each field with the parser's builder on its own, so an error lands on the field that caused it."""
    name = value(state, "name")
    if not name:
        return Submission(errors={"name": tr(lang, "slack.field.required")})
    fields = _options(state)
    result = Submission()
    for block, options in (("name", {}), *fields.items()):
        try:
            build("new", [name], options, now)
        except ParseError as exc:
            result.errors[block] = _first_line(exc, lang)
    chosen = value(state, "template")
    if chosen and chosen.lower() not in templates:
        result.errors["template"] = tr(lang, "slack.field.unknown_template", value=chosen,
                                       allowed=", ".join(templates))
    if result.errors:
        return result
    try:  # options that are fine alone but not together
        result.command = build("new", [name], {k: v for options in fields.values() for k, v in options.items()}, now)
    except ParseError as exc:
        result.errors["name"] = _first_line(exc, lang)
    return result


def read_reason(state: dict[str, Any], origin: Origin, lang: str) -> Command | Submission:
    """The clicked button's command with the typed reason; a form without a reason stays open and says so."""
    found = value(state, "reason")
    command = command_for(origin.action.add_reason(found)) if origin.action and found else None
    if command is None:
        key = "slack.field.required" if not found else "slack.stale_button"
        return Submission(errors={"reason": tr(lang, key)})
    return command


def read_person(state: dict[str, Any], origin: Origin, lang: str) -> Command | Submission:
    """The clicked button's command with the chosen person; a form without one stays open and says so."""
    found = value(state, "person")
    command = command_for(origin.action.add_person(found)) if origin.action and found else None
    if command is None:
        key = "slack.field.required" if not found else "slack.stale_button"
        return Submission(errors={"person": tr(lang, key)})
    return command
