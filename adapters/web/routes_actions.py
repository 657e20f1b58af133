"""`POST /actions`: a button of a page (a kanban move, Approve, Reject). The form names an action and its ref, as a
chat button does; the service sends the command it stands for to the bus, as that person. A script (the kanban's drag
and drop) asks for JSON; a plain form gets a 303 back to its page, where the answer is shown."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Header, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from adapters.web.deps import Service, SignedIn, check_csrf
from adapters.web.flash import remember
from adapters.web.security import is_https
from adapters.web.templating import PRIVATE, plain
from bot.actions import MAX_REF, Action, ActionId
from bot.i18n import tr

router = APIRouter(include_in_schema=False)
IDS = {a.value: a for a in ActionId}


def _back(target: str) -> str:
    """Only a path of this site (never `//elsewhere`, never a full URL)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


@router.post("/actions")
async def act(request: Request, who: SignedIn, service: Service, action: Annotated[str, Form()],
              ref: Annotated[str, Form(max_length=MAX_REF)], csrf: Annotated[str, Form()] = "",
              reason: Annotated[str, Form(max_length=2000)] = "", back: Annotated[str, Form()] = "/",
              accept: Annotated[str, Header()] = "",
              x_csrf_token: Annotated[str | None, Header()] = None) -> Response:
    check_csrf(who, x_csrf_token or csrf)
    chosen = IDS.get(action)
    reply = None
    if chosen is not None:
        reply = await run_in_threadpool(service.act, who, Action(chosen, ref.strip()).add_reason(reason))
    if reply is None:
        ok, text = False, tr(who.lang, "web.action_unknown")
    else:
        ok, text = not reply.is_error, plain(reply.card.title or reply.text, {})
    answer: Response
    if "application/json" in accept:  # the script reloads the page, which then shows the answer too
        answer = JSONResponse({"ok": ok, "message": text}, status_code=200 if ok else 409, headers=PRIVATE)
    else:
        answer = RedirectResponse(_back(back), status_code=303, headers=PRIVATE)
    remember(answer, ok, text, is_https(request, request.app.state.web_trust_proxy))
    return answer
