"""Feishu card forms: what a button needs is entered in a form on the card itself (Feishu has no modal) and comes back
with the submit click as `form_value`: the reason for Reject, what to change for Return (an input), the person to hand
a step to for Delegate (a `select_person`). Every component name is unique within the card, as Feishu requires."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.actions import Action

REASON = "reason"  # inputs are named reason_<action>; cards sent before that named it `reason`
PERSON = "person"
MAX_REASON = 500
MAX_CHOICES = 50


def _name(action: Action) -> str:
    return re.sub(r"\W", "_", f"{action.id.value}_{action.ref}")  # component names are identifiers: A-3 → A_3


def _form(action: Action, field: dict[str, Any], submit: dict[str, Any]) -> dict[str, Any]:
    """A form container (it sits at the card's root) with one required field and the submit button."""
    name = _name(action)
    return {"tag": "form", "name": f"form_{name}",
            "elements": [field, {**submit, "name": f"submit_{name}", "form_action_type": "submit"}]}


def reason_form(action: Action, submit: dict[str, Any], placeholder: str) -> dict[str, Any]:
    field = {"tag": "input", "name": f"{REASON}_{action.id.value}", "required": True, "max_length": MAX_REASON,
             "placeholder": {"tag": "plain_text", "content": placeholder}}
    return _form(action, field, submit)


def person_form(action: Action, submit: dict[str, Any], placeholder: str, choices: Sequence[str]) -> dict[str, Any]:
    """A person picker: the people offered (open_ids), or with none, the members of the chat (Feishu's default, which
    in a one-to-one chat would be only the two of us: hence the list)."""
    field: dict[str, Any] = {"tag": "select_person", "name": f"{PERSON}_{action.id.value}", "required": True,
                             "placeholder": {"tag": "plain_text", "content": placeholder}}
    people = [{"value": user} for user in choices if user.startswith("ou_")][:MAX_CHOICES]
    if people:
        field["options"] = people
    return _form(action, field, submit)


def _value(form_value: Mapping[str, Any] | None, prefix: str) -> str:
    for key, value in (form_value or {}).items():
        if (key == prefix or key.startswith(prefix + "_")) and isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def reason(form_value: Mapping[str, Any] | None) -> str:
    """The typed reason, trimmed; empty when the form came back without one."""
    return _value(form_value, REASON)[:MAX_REASON]


def person(form_value: Mapping[str, Any] | None) -> str:
    """The chosen person's open_id; empty when none was chosen."""
    return _value(form_value, PERSON)
