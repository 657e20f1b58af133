"""Signing in: `/login/<token>` (the link the `dashboard` command gives) opens a session and goes to the portfolio;
`/signin` explains how to get a link; `/logout` ends the session."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from adapters.web.deps import Service, SignedIn, check_csrf
from adapters.web.security import SESSION_COOKIE, is_https
from adapters.web.templating import Words, page
from domain.signin import SESSION_TTL

router = APIRouter(include_in_schema=False)


def _anonymous(request: Request) -> Words:
    """Before sign-in nobody's settings are known: the browser's preferred language decides."""
    accepted = request.headers.get("accept-language", "").lower()
    lang = "zh" if accepted.startswith("zh") else "en"
    return Words(lang, ZoneInfo("UTC"))


@router.get("/signin", response_class=HTMLResponse)
def signin(request: Request) -> Response:
    return page(request, "signin.html", _anonymous(request), reason="none")


@router.get("/login/{token}", response_class=HTMLResponse)
def login(token: str, request: Request, service: Service) -> Response:
    session = service.sign_in(token) if len(token) <= 128 else None
    if session is None:
        return page(request, "signin.html", _anonymous(request), status=400, reason="used")
    answer = RedirectResponse("/", status_code=303, headers={"Cache-Control": "no-store"})
    answer.set_cookie(SESSION_COOKIE, session, max_age=int(SESSION_TTL.total_seconds()), path="/", httponly=True,
                      samesite="lax", secure=is_https(request, request.app.state.web_trust_proxy))
    return answer


@router.post("/logout")
def logout(request: Request, who: SignedIn, service: Service, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(who, csrf)
    service.sign_out(request.cookies.get(SESSION_COOKIE, ""))
    answer = RedirectResponse("/signin", status_code=303)
    answer.delete_cookie(SESSION_COOKIE, path="/")
    return answer
