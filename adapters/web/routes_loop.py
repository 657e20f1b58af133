"""`/goals`: the goal tree; `/campaigns/{C-n}/retro`: a campaign's retrospective, with its Markdown (issue 13)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from adapters.web.deps import Service, SignedIn, words
from adapters.web.flash import render
from domain import refs

router = APIRouter(include_in_schema=False)


@router.get("/goals", response_class=HTMLResponse)
async def goals(request: Request, who: SignedIn, service: Service) -> Response:
    found = await run_in_threadpool(service.goals, who)
    return render(request, who, "goals.html", words(who, found.names), view=found)


@router.get("/campaigns/{ref}/retro", response_class=HTMLResponse)
async def retro(ref: str, request: Request, who: SignedIn, service: Service) -> Response:
    found = refs.match(ref)
    page = None
    if found is not None and found[0] is refs.Kind.CAMPAIGN:
        page = await run_in_threadpool(service.retro, who, found[1])
    if page is None:
        return render(request, who, "not_found.html", words(who), status=404, ref=ref[:40])
    return render(request, who, "retro.html", words(who, page.names), view=page)
