"""Load the approval policy (TOML or YAML) named by MEMS_APPROVAL_POLICY; a bad file stops start-up."""

from __future__ import annotations

import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from domain.approval import DEFAULT_POLICY, Policy, Tier
from domain.errors import PolicyError
from domain.people import Role

EXAMPLE = """[[tier]]
up_to = 10000
steps = ["manager"]

[[tier]]
up_to = 100000
steps = ["manager", "finance"]

[[tier]]
steps = ["manager", "finance", "admin"]
"""


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{path}: cannot be read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(f"{path}: cannot be read (not UTF-8 text: {exc.reason})") from exc
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            return yaml.safe_load(text)
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise PolicyError(f"{path}: not valid {path.suffix.lstrip('.').upper() or 'TOML'} ({exc})") from exc


def _tier(raw: Any, index: int, path: Path) -> Tier:
    where = f"{path}: tier {index + 1}"
    if not isinstance(raw, dict):
        raise PolicyError(f"{where} must be a table with 'steps' (and 'up_to' except for the last)")
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps:
        raise PolicyError(f"{where}: 'steps' must be a list of roles, e.g. [\"manager\", \"finance\"]")
    try:
        roles = tuple(Role(str(step)) for step in steps)
    except ValueError as exc:
        raise PolicyError(f"{where}: unknown role in {steps}; roles are admin, manager, finance") from exc
    bound = raw.get("up_to")
    try:
        up_to = None if bound is None else Decimal(str(bound))
    except InvalidOperation as exc:
        raise PolicyError(f"{where}: 'up_to' must be an amount") from exc
    return Tier(up_to, roles)


def load(path: Path | None) -> Policy:
    if path is None:
        return DEFAULT_POLICY
    data = _read(path)
    tiers = data.get("tier") or data.get("tiers") if isinstance(data, dict) else None
    if not isinstance(tiers, list) or not tiers:
        raise PolicyError(f"{path}: expected a list of tiers, like:\n{EXAMPLE}")
    try:
        return Policy(tuple(_tier(raw, i, path) for i, raw in enumerate(tiers)))
    except PolicyError as exc:
        message = str(exc)
        raise PolicyError(message if message.startswith(str(path)) else f"{path}: {message}") from exc
