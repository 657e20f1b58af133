"""The web application: health, readiness, the body limit, security headers, each platform's endpoint mounted from
its adapter with just the parts it uses, and the web dashboard; while it runs, the delivery loop and the scheduler
run beside it."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.api import batches
from adapters.api import routes as api
from adapters.charts import routes as charts
from adapters.charts.links import SignedLinks
from adapters.prometheus import routes as prometheus
from adapters.web import mount as mount_dashboard
from adapters.web.security import SecurityHeaders, hide_login_tokens
from bot import logs
from bot.api_service import ApiService
from bot.dashboard import Dashboard
from bot.entry import workers
from bot.entry.bootstrap import Container, Probe
from bot.observe import Recorder
from bot.parts import ChatParts

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024
# Bulk metrics ingest may take more, and its route reads the body itself against that limit once it has checked the
# caller's token: here only a larger declared Content-Length is refused, and the body is not read ahead.
LARGER_BODIES = {"/api/v1/metrics": batches.MAX_BYTES}
ACK_PATHS = {"/slack/events": "slack", "/feishu/events": "feishu"}  # the platforms' endpoints, for mems_ack_seconds


class BodyLimit:
    """Refuse bodies over 1 MiB with 413 before anything reads them, whatever the Content-Length says (the metrics
    route reads its larger body itself, after the token)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = LARGER_BODIES.get(scope.get("path", ""), self.limit)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await JSONResponse({"error": "body too large"}, status_code=413)(scope, receive, send)
            return
        if scope.get("path") in LARGER_BODIES:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await JSONResponse({"error": "body too large"}, status_code=413)(scope, receive, send)
                return
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def freeze_start_up() -> None:
    """What start-up made (modules, settings, the app) lives as long as the process: frozen, it is left out of every
    garbage collection, so a full one (which holds the GIL, and so the event loop) walks only what requests made: a
    0.36 s pause while a 6 MB metrics batch was parsed became 0.1 s. Once per process (tests start many apps)."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


def create_app(container: Container, run_workers: bool | None = None, close: bool = False) -> FastAPI:
    """The app over `container`; `close`: the container is closed when the app stops (a worker of `mems serve
    --workers N` owns its container)."""
    workers_on = container.settings.scheduler == "on" if run_workers is None else run_workers

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        hide_login_tokens()  # once uvicorn has set up its loggers
        freeze_start_up()
        container.inbox.start()  # chat requests a stopped process acknowledged and did not work
        delivery = workers.start_delivery(container) if workers_on else None
        runner = workers.start_scheduler(container) if workers_on else None
        try:
            yield
        finally:
            if runner is not None:
                runner.shutdown()
            if delivery is not None:
                await workers.stop_delivery(container, delivery)
            await container.inbox.stop()
            if close:
                container.close()

    app = FastAPI(title="MEMS", version="0.1.0", lifespan=lifespan)
    app.include_router(health(container.probes, container.warnings))
    if container.settings.api_token:  # the REST API is off without MEMS_API_TOKEN
        app.state.api_service = ApiService(container.uow_factory, container.settings, container.bus)
        app.state.ingests = batches.Gate(container.settings.api_max_ingests)
        app.include_router(api.router)
    for router in (feishu_router(container), slack_router(container)):
        if router is not None:
            app.include_router(router)
    if isinstance(container.chart_links, SignedLinks):  # GET /charts/<token>.png, the chart images Slack fetches
        app.include_router(charts.router(container.chart_links))
    # The web dashboard: its pages read through the same units of work, its buttons go to the same bus.
    mount_dashboard(app, Dashboard(container.uow_factory, container.clock, container.bus),
                    trust_proxy=container.settings.trust_proxy)
    app.include_router(metrics_router(container))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit)
    app.add_middleware(AckTimer, recorder=container.recorder)
    app.add_middleware(RequestIds)
    return app


class RequestIds:
    """Each HTTP request's id: the X-Request-ID a proxy sent when it is a plain token (unique per request), else a
    new one. Every line logged while the request is handled carries it, and so do the inbox request and the outbox
    rows it leads to (bot/logs.py); the answer says it in X-Request-ID."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id")
        request_id = logs.accepted(given.decode("latin-1") if given else None)

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        with logs.bound(request_id):
            await self.app(scope, receive, tagged)


def metrics_router(container: Container) -> APIRouter:
    """GET /metrics: the recorder's metrics and the outbox's depth, behind MEMS_METRICS_TOKEN when it is set."""
    token = container.settings.metrics_token
    return prometheus.router(container.recorder, lambda: container.outbox.depth(container.clock.now()),
                             token.get_secret_value() if token else None)


def metrics_app(container: Container) -> FastAPI:
    """What `mems scheduler --metrics-port` serves: /metrics and /healthz alone (it has no other HTTP)."""
    app = FastAPI(title="MEMS scheduler", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(health({}))
    app.include_router(metrics_router(container))
    return app


class AckTimer:
    """How long a platform waits for its answer (Slack's acknowledgement, Feishu's 3-second answer): from the
    request's arrival to the start of the response, on the platforms' endpoints."""

    def __init__(self, app: ASGIApp, recorder: Recorder) -> None:
        self.app = app
        self.recorder = recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        platform = ACK_PATHS.get(scope.get("path", "")) if scope["type"] == "http" else None
        if platform is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.recorder.ack(platform, time.perf_counter() - started)
            await send(message)

        await self.app(scope, receive, timed)


def health(probes: dict[str, Probe], warnings: dict[str, str] | None = None) -> APIRouter:
    """Liveness, and readiness: each probe (the database, Redis) answers in a worker thread; `warnings` (a setting
    that works but is unsafe) are shown without making the server unready."""
    routes = APIRouter()

    @routes.get("/healthz")
    async def healthz(response: Response) -> dict[str, str]:
        response.headers["X-MEMS-Worker"] = str(os.getpid())  # which worker of `mems serve --workers N` answered
        return {"status": "ok"}

    @routes.get("/readyz")
    async def readyz() -> JSONResponse:
        problems = {}
        for name, probe in probes.items():
            reason = await asyncio.to_thread(probe)
            if reason:
                problems[name] = reason
        status = 503 if problems else 200
        return JSONResponse({"status": "unavailable" if problems else "ready", "problems": problems,
                             "warnings": dict(warnings or {})}, status_code=status)

    return routes


# A chat platform's endpoint is imported only when that platform is set up: lark-oapi takes about 4 s to import
# and slack-bolt about 0.5 s, which a server (or a test) without them should not pay at start-up.


def chat_parts(container: Container) -> ChatParts:
    return ChatParts(container.settings, container.clock, container.deps, container.bus, container.deduper,
                     container.offload, container.inbox, container.leases, container.recorder)


def slack_router(container: Container) -> APIRouter | None:
    """POST /slack/events and Socket Mode, when Slack is set up."""
    if container.slack is None:
        return None
    from adapters.slack import routes  # only when set up, see above

    return routes.router(chat_parts(container), container.slack)


def feishu_router(container: Container) -> APIRouter | None:
    """POST /feishu/events, when the Feishu settings are complete."""
    if container.feishu is None:
        return None
    from adapters.feishu import routes  # only when set up, see above

    return routes.router(chat_parts(container), container.feishu)
