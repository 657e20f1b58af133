"""The web application: health, readiness, and the platform endpoints mounted from their adapters."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.entry import workers
from bot.entry.bootstrap import Container
from domain.people import Platform

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024
# Bulk metrics ingest: a 10,000-row batch is about 1.3 MB of JSON, so this one path may take more.
LARGER_BODIES = {"/api/v1/metrics": 8 * 1024 * 1024}


class BodyLimit:
    """Refuse bodies over 1 MiB with 413 before anything reads them, whatever the Content-Length says."""

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


def create_app(container: Container, run_workers: bool | None = None) -> FastAPI:
    workers_on = container.settings.scheduler == "on" if run_workers is None else run_workers

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        delivery = workers.start_delivery(container) if workers_on else None
        runner = workers.start_scheduler(container) if workers_on else None
        try:
            yield
        finally:
            if runner is not None:
                runner.shutdown()
            if delivery is not None:
                await workers.stop_delivery(delivery)

    app = FastAPI(title="MEMS", version="0.1.0", lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        problems = {}
        for name, probe in container.probes.items():
            reason = await asyncio.to_thread(probe)
            if reason:
                problems[name] = reason
        status = 503 if problems else 200
        return JSONResponse({"status": "unavailable" if problems else "ready", "problems": problems},
                            status_code=status)

    if container.settings.api_token:  # the REST API is off without MEMS_API_TOKEN
        from adapters.api.routes import router as api_router

        app.include_router(api_router(container))
    if container.settings.feishu_enabled and Platform.FEISHU in container.gateways:
        from adapters.feishu.routes import router as feishu_router

        app.include_router(feishu_router(container))
    from adapters.slack.routes import router as slack_router

    app.include_router(slack_router(container))  # POST /slack/events and Socket Mode, when Slack is set up
    if container.chart_links is not None:  # GET /charts/<token>.png, the chart images Slack fetches
        from adapters.charts.routes import router as charts_router

        app.include_router(charts_router(container))
    app.add_middleware(BodyLimit)
    return app
