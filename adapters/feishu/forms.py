"""Feishu card forms: the reason a Reject needs is typed into a form on the card itself (Feishu has no modal), and
comes back with the submit click as `form_value`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

REASON = "reason"  # the input's name; form_value carries it back
MAX_REASON = 500


def reason_form(ref: str, submit: dict[str, Any], placeholder: str) -> dict[str, Any]:
    """A form container with one required input named `reason` and the submit button (a form sits at the root)."""
    name = re.sub(r"\W", "_", ref)  # component names are identifiers: A-3 → A_3
    return {
        "tag": "form",
        "name": f"form_{name}",
        "elements": [
            {"tag": "input", "name": REASON, "required": True, "max_length": MAX_REASON,
             "placeholder": {"tag": "plain_text", "content": placeholder}},
            {**submit, "name": f"submit_{name}", "form_action_type": "submit"},
        ],
    }


def reason(form_value: Mapping[str, Any] | None) -> str:
    """The typed reason, trimmed; empty when the form came back without one."""
    value = (form_value or {}).get(REASON)
    return value.strip()[:MAX_REASON] if isinstance(value, str) else ""
