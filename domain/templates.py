"""SOP templates: a named list of tasks dated by an offset in days from the launch (or start) date."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.errors import TemplateError

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,48}$")
ANCHORS = ("launch", "start")
# Who does a template task: the campaign's owner or a team the owner hands it to.
ROLES = ("owner", "design", "content", "media", "sales", "ops", "finance")


def workday_before(day: date) -> date:
    """A deadline that falls on a weekend moves to the Friday before."""
    return day - timedelta(days=max(day.weekday() - 4, 0))


@dataclass(frozen=True, slots=True)
class TemplateTask:
    title: str
    title_zh: str
    offset_days: int
    phase: str = ""
    role: str = "owner"
    deliverable: str = ""
    deliverable_zh: str = ""

    def title_in(self, lang: str) -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title

    def deliverable_in(self, lang: str) -> str:
        return self.deliverable_zh if lang == "zh" and self.deliverable_zh else self.deliverable


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    title: str
    title_zh: str
    anchor: str
    description: str
    tasks: tuple[TemplateTask, ...]

    def title_in(self, lang: str) -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title

    def schedule(self, anchor: date) -> list[tuple[TemplateTask, date]]:
        """Each task's deadline: the offset from the anchor, a weekend moved to the Friday before (but not the
        anchor's own day, which the team chose: a Sunday launch is on Sunday)."""
        return [(task, workday_before(anchor + timedelta(days=task.offset_days)) if task.offset_days else anchor)
                for task in self.tasks]


_TASKS_HEADER = re.compile(r"^\s*\[\[\s*tasks\s*\]\]")  # TOML allows `[[ tasks ]]`


def _task_lines(text: str) -> list[int]:
    return [no for no, line in enumerate(text.splitlines(), 1) if _TASKS_HEADER.match(line)]


def _text(raw: dict[str, Any], key: str, where: tuple[str, int | None], required: bool = True) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise TemplateError(where[0], where[1], f"'{key}' must be a non-empty string")
    return value.strip()


def _task(raw: Any, where: tuple[str, int | None]) -> TemplateTask:
    if not isinstance(raw, dict):
        raise TemplateError(where[0], where[1], "each [[tasks]] entry must be a table")
    offset = raw.get("offset_days")
    if not isinstance(offset, int) or isinstance(offset, bool) or abs(offset) > 730:
        raise TemplateError(where[0], where[1], "'offset_days' must be a whole number of days (within two years)")
    unknown = set(raw) - {"title", "title_zh", "offset_days", "phase", "role", "deliverable", "deliverable_zh"}
    if unknown:
        raise TemplateError(where[0], where[1], f"unknown key(s) {sorted(unknown)} in [[tasks]]")
    role = raw.get("role", "owner")
    if role not in ROLES:
        raise TemplateError(where[0], where[1], f"'role' must be one of {', '.join(ROLES)}")
    return TemplateTask(_text(raw, "title", where), _text(raw, "title_zh", where, False), offset,
                        _text(raw, "phase", where, False), role, _text(raw, "deliverable", where, False),
                        _text(raw, "deliverable_zh", where, False))


def parse(name: str, text: str) -> Template:
    """Parse a template file's text; errors name the file and the line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from(str(exc))
        raise TemplateError(name, line, f"not valid TOML ({exc})") from exc
    top = (name, 1)
    key = _text(data, "name", top)
    if not _NAME.match(key):
        raise TemplateError(name, 1, "'name' must be lowercase letters, digits and dashes, like product-launch")
    anchor = data.get("anchor", "launch")
    if anchor not in ANCHORS:
        raise TemplateError(name, 1, f"'anchor' must be one of {', '.join(ANCHORS)}")
    raw_tasks = data.get("tasks")
    if not isinstance(raw_tasks, list) or not raw_tasks:
        raise TemplateError(name, None, "a template needs at least one [[tasks]] entry")
    lines = _task_lines(text)
    tasks = tuple(_task(raw, (name, lines[i] if i < len(lines) else None)) for i, raw in enumerate(raw_tasks))
    return Template(key, _text(data, "title", top), _text(data, "title_zh", top, False), anchor,
                    _text(data, "description", top, False), tasks)


def _line_from(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None
