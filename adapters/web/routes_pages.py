"""The dashboard's pages: the portfolio (`/`), a campaign (`/campaigns/C-<n>`). Thin: the viewer, the service's
read, the template. Another workspace's campaign reads as not found (404), exactly like one that does not exist."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from adapters.web import views
from adapters.web.deps import Service, SignedIn, words
from adapters.web.flash import render
from bot.portfolio import Scope
from domain import refs
from domain.portfolio import Level

router = APIRouter(include_in_schema=False)
SCOPES = {s.value: s for s in Scope}


@router.get("/", response_class=HTMLResponse)
async def portfolio(request: Request, who: SignedIn, service: Service, scope: str = "active") -> Response:
    chosen = SCOPES.get(scope, Scope.ACTIVE)
    found = await run_in_threadpool(service.portfolio, who, chosen)
    w = words(who, found.names)
    risky = sum(1 for s in found.summaries if s.level is Level.HIGH)
    return render(request, who, "portfolio.html", w, scope=chosen, scopes=tuple(Scope), risky=risky,
                  rows=views.portfolio_rows(found.summaries, w))


@router.get("/campaigns/{ref}", response_class=HTMLResponse)
async def campaign(ref: str, request: Request, who: SignedIn, service: Service) -> Response:
    found = refs.match(ref)
    page = None
    if found is not None and found[0] is refs.Kind.CAMPAIGN:
        page = await run_in_threadpool(service.campaign, who, found[1])
    if page is None:
        return render(request, who, "not_found.html", words(who), status=404, ref=ref[:40])
    w = words(who, page.names)
    return render(request, who, "campaign.html", w, view=page, gantt=views.gantt(page, w.tz, who.reader.today),
                  charts=views.charts(page))
