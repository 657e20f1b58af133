"""The answer to an action, shown once on the next page (a short-lived cookie), so a form works without scripts:
post, 303 back to the page, the page says what happened."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from starlette.requests import Request
from starlette.responses import Response

from adapters.web.security import FLASH_COOKIE
from adapters.web.templating import Words, page
from bot.dashboard import Viewer

MAX_FLASH = 400


def remember(response: Response, ok: bool, text: str, secure: bool) -> None:
    value = quote(("ok:" if ok else "error:") + text[:MAX_FLASH])
    response.set_cookie(FLASH_COOKIE, value, max_age=60, path="/", httponly=True, samesite="lax", secure=secure)


def _read(request: Request) -> tuple[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    tone, _, text = unquote(raw).partition(":")
    return ("ok" if tone == "ok" else "error"), text


def render(request: Request, who: Viewer, name: str, w: Words, status: int = 200, **context: Any) -> Response:
    """A signed-in page, with the last action's answer if there is one (then forgotten)."""
    flash = _read(request)
    response = page(request, name, w, status, who=who, csrf=who.csrf, flash=flash, **context)
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response
