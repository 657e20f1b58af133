"""`/approvals`: the requests waiting for my decision, with Approve and Reject (a reason required)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from adapters.web.deps import Service, SignedIn, words
from adapters.web.flash import render

router = APIRouter(include_in_schema=False)


@router.get("/approvals", response_class=HTMLResponse)
async def approvals(request: Request, who: SignedIn, service: Service) -> Response:
    found = await run_in_threadpool(service.approvals, who)
    return render(request, who, "approvals.html", words(who, found.names), view=found)
