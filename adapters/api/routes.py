"""Routes of the REST API under /api/v1. Thin: check the token, read the body, call the service, shape
the answer. Rules (who sees what, what a row must hold) live in bot.api_service and bot.ingest; metrics go to the
bus as a command, like a chat's. The service comes from `request.app.state.api_service`, set by the composition
root.

No `from __future__ import annotations` here: FastAPI reads the routes' annotations at definition time."""

from decimal import Decimal
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from adapters.api import batches
from adapters.api import models as out
from bot.api_service import ApiService, CampaignView
from bot.context import Principal
from bot.ingest import RowError
from domain import refs
from domain.approval import ApprovalRequest
from domain.campaign import Campaign
from domain.task import Task

T = TypeVar("T")
bearer = HTTPBearer(auto_error=False, description="MEMS_API_TOKEN (operator) or a workspace token from `token create`")
# The body is read by hand (per-row errors, exact decimals), so its schema is given here rather than inferred.
BATCH_SCHEMA = {"title": "MetricsBatch", "type": "object", "required": ["rows"],
                "properties": {"rows": {"type": "array", "items": out.MetricRowIn.model_json_schema()}}}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _ratio(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.0001")))


def campaign_out(c: Campaign) -> out.CampaignOut:
    budget = _money(c.budget.amount if c.budget else None)
    return out.CampaignOut(id=c.ref, name=c.name, status=c.status.value, owner=c.owner, currency=c.currency,
                           start=c.start, end=c.end, launch=c.launch, budget=budget,
                           kpi_targets={k: str(v) for k, v in c.kpis.items()})


def detail_out(v: CampaignView) -> out.CampaignDetail:
    k, ledger = v.kpis, v.ledger
    return out.CampaignDetail(**campaign_out(v.campaign).model_dump(), approved=_money(ledger.approved.amount),
                              spent=_money(ledger.spent.amount), remaining=_money(ledger.remaining.amount),
                              spend=_money(k.spend), revenue=_money(k.revenue), impressions=k.impressions,
                              clicks=k.clicks, conversions=k.conversions, roi=_ratio(k.roi),
                              roi_media=_ratio(k.roi_media), ctr=_ratio(k.ctr), cvr=_ratio(k.cvr), cpc=_money(k.cpc),
                              cpa=_money(k.cpa))


def task_out(t: Task) -> out.TaskOut:
    return out.TaskOut(id=t.ref, campaign=refs.campaign(t.campaign_id), title=t.title, status=t.status.value,
                       assignee=t.assignee, due=t.due, done_at=t.done_at)


def approval_out(r: ApprovalRequest) -> out.ApprovalOut:
    return out.ApprovalOut(id=r.ref, campaign=refs.campaign(r.campaign_id), requester=r.requester,
                           amount=str(r.amount.amount), currency=r.amount.currency, reason=r.reason,
                           status=r.status.value, steps=[str(s) for s in r.steps],
                           current_step=r.current_step + 1 if r.current_role else None, created_at=r.created_at)


def _number(ref: str, kind: refs.Kind) -> int:
    found = refs.match(ref)
    if found is None or found[0] is not kind:
        raise HTTPException(404, f"{ref} was not found")
    return found[1]


def _found(value: T | None, ref: str) -> T:
    if value is None:
        raise HTTPException(404, f"{ref} was not found")
    return value


def _rejected(errors: list[out.RowErrorOut]) -> JSONResponse:
    return JSONResponse(out.Rejected(errors=errors).model_dump(), status_code=422)


def api_service(request: Request) -> ApiService:
    """The service the composition root put on the app's state (tests may override this dependency)."""
    service: ApiService = request.app.state.api_service
    return service


Service = Annotated[ApiService, Depends(api_service)]


def caller(service: Service,
           credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
    found = service.principal(credentials.credentials) if credentials else None
    if found is None:
        raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    return found


Caller = Annotated[Principal, Depends(caller)]
router = APIRouter(prefix="/api/v1", tags=["MEMS"], responses={401: {"model": out.Problem}})
MISSING: dict[int | str, dict[str, Any]] = {404: {"model": out.Problem}}


@router.post("/metrics", response_model=out.Stored, openapi_extra={"requestBody": {
    "required": True, "content": {"application/json": {"schema": BATCH_SCHEMA}}}},
    responses={422: {"model": out.Rejected}, 400: {"model": out.Problem}, 413: {"model": out.Problem},
               503: {"model": out.Problem}})
async def post_metrics(request: Request, who: Caller, service: Service) -> Any:
    """Store a batch of daily metrics: all rows or none; a re-posted campaign/date/channel replaces its row. The
    token is checked before the body is read; while MEMS_API_MAX_INGESTS batches are being worked, 503 with
    Retry-After."""
    ingests = batches.gate(request)
    if not ingests.enter():
        return JSONResponse({"error": "busy with other metrics batches; try again shortly"}, status_code=503,
                            headers={"Retry-After": batches.RETRY_AFTER})
    try:
        return await _ingest(request, who, service)
    finally:
        ingests.leave()


async def _ingest(request: Request, who: Principal, service: ApiService) -> Any:
    raw = await batches.body(request)
    read = raw if isinstance(raw, batches.Refused) else await run_in_threadpool(batches.rows, raw)
    if isinstance(read, batches.Refused):
        if read.status == 422:
            return _rejected([out.RowErrorOut(index=None, field="rows", message=read.message)])
        return JSONResponse({"error": read.message}, status_code=read.status)
    good, bad = read
    stored, refused = await run_in_threadpool(service.store_metrics, who, good, bool(bad))
    if not bad and not refused:
        return out.Stored(stored=stored)
    bad += refused
    return await run_in_threadpool(_row_errors, bad)  # 38,000 errors take a while to shape and encode


def _row_errors(bad: list[RowError]) -> JSONResponse:
    return _rejected([out.RowErrorOut(index=e.index, field=e.field, message=e.message)
                      for e in sorted(bad, key=lambda e: e.index)])


@router.get("/campaigns", response_model=list[out.CampaignOut])
def list_campaigns(who: Caller, service: Service, status: str = "open") -> list[out.CampaignOut]:
    """Campaigns the token reaches: `status=open` (planning, active, paused) or `all`."""
    return [campaign_out(c) for c in service.campaigns(who, every=status == "all")]


@router.get("/campaigns/{ref}", response_model=out.CampaignDetail, responses=MISSING)
def get_campaign(ref: str, who: Caller, service: Service) -> out.CampaignDetail:
    """One campaign with its budget ledger and overall KPIs (ratios as decimals, money to the cent)."""
    return detail_out(_found(service.campaign(who, _number(ref, refs.Kind.CAMPAIGN)), ref))


@router.get("/campaigns/{ref}/tasks", response_model=list[out.TaskOut], responses=MISSING)
def list_tasks(ref: str, who: Caller, service: Service) -> list[out.TaskOut]:
    return [task_out(t) for t in _found(service.tasks(who, _number(ref, refs.Kind.CAMPAIGN)), ref)]


@router.get("/tasks/{ref}", response_model=out.TaskOut, responses=MISSING)
def get_task(ref: str, who: Caller, service: Service) -> out.TaskOut:
    return task_out(_found(service.task(who, _number(ref, refs.Kind.TASK)), ref))


@router.get("/approvals", response_model=list[out.ApprovalOut])
def list_approvals(who: Caller, service: Service, status: str = "pending") -> list[out.ApprovalOut]:
    """Approval requests: `status=pending` or `all`."""
    return [approval_out(r) for r in service.approvals(who, pending_only=status != "all")]


@router.get("/approvals/{ref}", response_model=out.ApprovalOut, responses=MISSING)
def get_approval(ref: str, who: Caller, service: Service) -> out.ApprovalOut:
    return approval_out(_found(service.approval(who, _number(ref, refs.Kind.APPROVAL)), ref))
