"""Large metrics batches do not stall the server: the token is checked before a body is read, at most
MEMS_API_MAX_INGESTS (2) batches are worked at once (more get 503 with Retry-After), and parsing runs off the event
loop, so /healthz answers while several 6 MB batches are worked."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from adapters.api import batches
from adapters.api import routes as api
from bot.context import Principal
from bot.entry import bootstrap
from bot.entry.web import create_app
from bot.ingest import MetricInput, RowError, parse_rows
from tests.builders import settings
from tests.fakes import FakeClock

OPERATOR = "operator-secret-token"
ROW = {"campaign": "C-1", "date": "2026-11-25", "channel": "douyin", "spend": "1000.00", "impressions": 100000,
       "clicks": 1500, "conversions": 60, "revenue": "4000.00"}


def big_batch(megabytes: int = 6) -> bytes:
    rows = megabytes * 1024 * 1024 // len(json.dumps(ROW))
    return json.dumps({"rows": [ROW] * rows}).encode()


class HeldService:
    """The API service's two calls an ingest makes: the operator's token, and a store that waits until released."""

    def __init__(self, hold: bool = False) -> None:
        self.released = threading.Event()
        if not hold:
            self.released.set()
        self.storing = 0
        self.principals = 0

    def principal(self, token: str) -> Principal | None:
        self.principals += 1
        return Principal(None, "operator") if token == OPERATOR else None

    def store_metrics(self, who: Principal, rows: Sequence[MetricInput], check_only: bool = False
                      ) -> tuple[int, list[RowError]]:
        self.storing += 1
        assert self.released.wait(30)
        return len(rows), []


@pytest.fixture
def app() -> Iterator[FastAPI]:
    container = bootstrap.build(settings(api_token=OPERATOR), clock=FakeClock())
    yield create_app(container, run_workers=False)


def serve(app: FastAPI, service: HeldService) -> httpx.AsyncClient:
    app.dependency_overrides[api.api_service] = lambda: service
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mems", timeout=60)


def post(client: httpx.AsyncClient, body: bytes, token: str = OPERATOR) -> Any:
    return client.post("/api/v1/metrics", content=body,
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


async def test_a_wrong_token_is_refused_before_the_body_is_read(app: FastAPI) -> None:
    app.dependency_overrides[api.api_service] = HeldService
    body, read = big_batch(), []

    async def receive() -> dict[str, Any]:
        chunk = body[len(read) * 65536:(len(read) + 1) * 65536]
        read.append(chunk)
        return {"type": "http.request", "body": chunk, "more_body": len(read) * 65536 < len(body)}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [(b"authorization", b"Bearer nope"), (b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]
    await app({"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
               "path": "/api/v1/metrics", "raw_path": b"/api/v1/metrics", "query_string": b"", "headers": headers,
               "server": ("mems", 80), "client": ("127.0.0.1", 1234), "root_path": ""}, receive, send)
    assert sent[0]["status"] == 401
    assert sum(len(chunk) for chunk in read) < 65536 * 2  # not the 6 MB


async def test_a_body_streamed_past_the_limit_is_413_with_a_valid_token(app: FastAPI) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit is found while reading
        for _ in range(9):
            yield b" " * (1024 * 1024)

    async with serve(app, HeldService()) as client:
        response = await client.post("/api/v1/metrics", content=chunks(),
                                     headers={"Authorization": f"Bearer {OPERATOR}"})
    assert response.status_code == 413


@pytest.mark.parametrize("bound", [None, "1", "3"])  # MEMS_API_MAX_INGESTS unset (MAX_INGESTS, 2), or set
async def test_over_the_bound_an_ingest_is_told_to_retry_and_healthz_still_answers(
        bound: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if bound is not None:
        monkeypatch.setenv("MEMS_API_MAX_INGESTS", bound)
    limit = int(bound or batches.MAX_INGESTS)
    app = create_app(bootstrap.build(settings(api_token=OPERATOR), clock=FakeClock()), run_workers=False)
    service = HeldService(hold=True)
    async with serve(app, service) as client:
        held = [asyncio.create_task(post(client, json.dumps({"rows": [ROW]}).encode())) for _ in range(limit)]
        for _ in range(500):
            await asyncio.sleep(0.01)
            if service.storing == limit:
                break
        assert service.storing == limit
        refused = await post(client, big_batch(1))
        assert refused.status_code == 503 and refused.headers["Retry-After"] == batches.RETRY_AFTER
        assert (await client.get("/healthz")).status_code == 200
        service.released.set()
        assert [r.status_code for r in await asyncio.gather(*held)] == [200] * limit
        assert (await post(client, json.dumps({"rows": [ROW]}).encode())).status_code == 200  # the gate is free


async def test_the_event_loop_keeps_turning_while_6_mb_batches_are_parsed(app: FastAPI) -> None:
    """The longest the loop is held while ten 6 MB batches come in, against the time one batch takes to parse,
    measured in the same run (the machine is shared; the ratio holds under load). On the loop, the longest pause
    was the parse of a batch or more; off it, tens of milliseconds."""
    body = big_batch()
    started = time.perf_counter()
    good, _ = parse_rows(json.loads(body)["rows"])
    one_parse = time.perf_counter() - started
    assert len(good) > 30_000
    gaps: list[float] = []
    done = asyncio.Event()

    async def heartbeat() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    gc.disable()  # a full collection holds the loop however the work is spread (the server freezes its start-up heap)
    try:
        async with serve(app, HeldService()) as client:
            beating = asyncio.create_task(heartbeat())
            answers = await asyncio.gather(*(post(client, body) for _ in range(10)))
            done.set()
            await beating
    finally:
        gc.enable()
    assert {r.status_code for r in answers} <= {200, 503} and any(r.status_code == 200 for r in answers)
    assert max(gaps) < one_parse / 2, (max(gaps), one_parse)


async def test_the_server_freezes_its_start_up_heap(app: FastAPI) -> None:
    """What start-up made lives as long as the process: a full collection (which holds the GIL, so the loop) then
    walks only what requests made, not every imported module (0.36 s a collection in this test process)."""
    async with app.router.lifespan_context(app):
        assert gc.get_freeze_count() > 0
