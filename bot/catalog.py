"""The SOP templates on offer: the built-in ones, overridden or extended by a folder of the team's own."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from domain import templates
from domain.errors import InvalidInput, TemplateError
from domain.templates import Template

log = logging.getLogger(__name__)


@dataclass
class TemplateCatalog:
    templates: dict[str, Template] = field(default_factory=dict)
    broken: dict[str, TemplateError] = field(default_factory=dict)

    def get(self, name: str) -> Template:
        if name in self.templates:
            return self.templates[name]
        if name in self.broken:
            raise self.broken[name]
        raise InvalidInput("template", "unknown_template", value=name, allowed=", ".join(sorted(self.templates)))

    def names(self) -> list[str]:
        return sorted(self.templates)


def _add(catalog: TemplateCatalog, filename: str, text: str) -> None:
    stem = filename.rsplit(".", 1)[0]
    try:
        template = templates.parse(filename, text)
    except TemplateError as exc:
        log.error("SOP template %s", exc)
        catalog.broken[stem] = exc
        catalog.templates.pop(stem, None)
        return
    catalog.broken.pop(template.name, None)
    catalog.templates[template.name] = template


def load(folder: Path | None = None) -> TemplateCatalog:
    """Built-in templates first; a file in `folder` with the same name replaces the built-in one."""
    catalog = TemplateCatalog()
    for entry in sorted(resources.files("bot.sop").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            _add(catalog, entry.name, entry.read_text(encoding="utf-8"))
    if folder is not None:
        if not folder.is_dir():
            raise TemplateError(str(folder), None, "MEMS_TEMPLATES_DIR is not a folder")
        for path in sorted(folder.glob("*.toml")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                catalog.broken[path.stem] = TemplateError(path.name, None, f"cannot be read ({exc})")
                continue
            _add(catalog, path.name, text)
    return catalog
