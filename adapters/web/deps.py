"""What the dashboard's routes depend on: the service the composition root put on the app's state, the signed-in
viewer (else 303 to the page that explains how to get a link), the CSRF check of every POST, the reader's words."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from adapters.web.security import SESSION_COOKIE
from adapters.web.templating import Words
from bot.dashboard import Dashboard, Viewer

SIGN_IN_PAGE = "/signin"


def dashboard(request: Request) -> Dashboard:
    service: Dashboard = request.app.state.dashboard
    return service


Service = Annotated[Dashboard, Depends(dashboard)]


def viewer(request: Request, service: Service) -> Viewer:
    token = request.cookies.get(SESSION_COOKIE)
    found = service.viewer(token) if token else None
    if found is None:
        raise HTTPException(303, "sign in first", headers={"Location": SIGN_IN_PAGE, "Cache-Control": "no-store"})
    return found


SignedIn = Annotated[Viewer, Depends(viewer)]


def words(who: Viewer, names: dict[str, str] | None = None) -> Words:
    member, workspace = who.reader.member, who.reader.workspace
    return Words(who.lang, member.tz_in(workspace), names)


def check_csrf(who: Viewer, sent: str | None) -> None:
    """Every POST carries the session's token (a hidden field, or the X-CSRF-Token header from a script)."""
    if not sent or not hmac.compare_digest(sent.encode(), who.csrf.encode()):
        raise HTTPException(403, "the form is stale or came from elsewhere: reload the page and try again")
