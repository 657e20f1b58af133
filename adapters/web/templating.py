"""Server-rendered pages: the Jinja2 environment (autoescaped), the reader's words and formats as template
helpers, and the one way a page is answered (private: never stored by a cache)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from adapters.web.nav import NAV
from bot.i18n import tr
from bot.presenters import fmt
from domain.money import Money

HERE = Path(__file__).parent
STATIC = HERE / "static"
PRIVATE = {"Cache-Control": "no-store", "Vary": "Cookie"}
MENTION = re.compile(r"<@([^>|]+)(?:\|[^>]*)?>")

env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(("html",)),
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def plain(text: str, names: dict[str, str]) -> str:
    """A card's text for a page: mentions become @names, the invisible guards of typed text go."""
    return MENTION.sub(lambda m: "@" + names.get(m.group(1), m.group(1)), text).replace(fmt.WORD_JOINER, "")


class Words:
    """The helpers a template calls, bound to its reader's language and time zone."""

    def __init__(self, lang: str, tz: ZoneInfo, names: dict[str, str] | None = None) -> None:
        self.lang, self.tz, self.names = lang, tz, names or {}

    def t(self, key: str, /, **params: Any) -> str:
        return tr(self.lang, key, **params)

    def enum(self, family: str, value: str) -> str:
        return fmt.enum(self.lang, family, value)

    def money(self, value: Money | None) -> str:
        return fmt.money(value, self.lang)

    def amount(self, value: Decimal | None, currency: str) -> str:
        return fmt.amount(value, currency, self.lang)

    def moment(self, value: datetime | None) -> str:
        return fmt.moment(value, self.tz, self.lang)

    def day(self, value: date | None) -> str:
        return fmt.day(value, self.lang)

    def percent(self, value: Decimal | None, places: str = "1") -> str:
        return fmt.percent(value, self.lang, places)

    def roi(self, value: Decimal | None) -> str:
        return fmt.roi(value, self.lang)

    def kpi(self, metric: str, value: Decimal | None, currency: str) -> str:
        return fmt.kpi(metric, value, currency, self.lang)

    def person(self, user: str | None) -> str:
        return self.names.get(user, user) if user else tr(self.lang, "label.unassigned")

    def plain(self, text: str) -> str:
        return plain(text, self.names)


def page(request: Request, name: str, words: Words, status: int = 200, **context: Any) -> HTMLResponse:
    html = env.get_template(name).render(request=request, w=words, nav=NAV, lang=words.lang, **context)
    return HTMLResponse(html, status_code=status, headers=PRIVATE)
