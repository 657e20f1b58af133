"""What keeps the dashboard safe in a browser: security headers on every answer (a Content-Security-Policy that
allows no inline script and no inline event handler, no framing), the session cookie's flags, and whether a request
came over https (X-Forwarded-Proto is believed only when the settings say a trusted proxy sets it)."""

from __future__ import annotations

import logging
import re

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "mems_session"
FLASH_COOKIE = "mems_flash"
# frappe-gantt writes one fixed inline style (its hatch pattern's stroke) into its SVG: that exact text is allowed by
# its hash ('unsafe-hashes'), and no other inline style is.
GANTT_PATTERN_STYLE = "'sha256-ZQQd4z8TNrVc2nE0CfAROCXKHG3tNEIdbONqn8Sl1Gk='"
POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", f"style-src 'self' 'unsafe-hashes' {GANTT_PATTERN_STYLE}",
    "img-src 'self' data:", "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'none'",
])
HEADERS = {
    b"content-security-policy": POLICY.encode(),
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"x-frame-options": b"DENY",
    b"cross-origin-opener-policy": b"same-origin",
}
# FastAPI's interactive API docs load their own scripts inline; they keep the headers they had.
UNGUARDED = ("/docs", "/redoc")


class SecurityHeaders:
    """Adds the headers above to every HTTP answer of the app (but the API docs), whatever route made it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(UNGUARDED):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in HEADERS.items() if name not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def is_https(request: Request, trust_proxy: bool) -> bool:
    if trust_proxy:
        forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        if forwarded:
            return forwarded == "https"
    return request.url.scheme == "https"


class HideLoginTokens(logging.Filter):
    """Access logs name each request's path; a sign-in link's token is cut out of it (it is a password for minutes)."""

    TOKEN = re.compile(r"(/login/)[^\s\"?]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.TOKEN.sub(r"\1…", a) if isinstance(a, str) else a for a in record.args)
        return True


def hide_login_tokens(logger_name: str = "uvicorn.access") -> None:
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, HideLoginTokens) for f in logger.filters):
        logger.addFilter(HideLoginTokens())
