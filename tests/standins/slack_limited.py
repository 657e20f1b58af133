"""A Slack Web API stand-in for delivery tests and benchmarks: `chat.postMessage` records every request,
enforces Slack's per-channel limit (1 a second with a short burst; 429 + Retry-After beyond it), can be
scripted to answer 429 or 5xx, and can stall a chosen request until released. Served by uvicorn in a thread
on a free loopback port."""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.ports import ChatGateway
from tests.standins.server import serve_asgi


@dataclass
class Received:
    at: float
    channel: str
    key: str
    text: str


@dataclass
class SlackStandIn:
    per_second: float | None = 1.0  # None: no limit enforced
    burst: int = 3
    script: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # forced answers, in order
    stall_at: int | None = None  # the n-th request (1-based) hangs until `release` is set
    latency: float = 0.0  # seconds before each answer, after the limit was checked (a platform far away)
    cold: float = 0.0  # seconds the first request to each channel takes to arrive, before the limit is checked
    received: list[Received] = field(default_factory=list)
    rejected: int = 0
    throttled: int = 0  # 429s because the bot went over the per-channel limit (not scripted ones)
    release: threading.Event = field(default_factory=threading.Event)
    _tat: dict[str, float] = field(default_factory=dict)
    _warm: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _admit(self, channel: str, now: float) -> float:
        """GCRA as Slack might do it: 0 to accept, else the seconds to wait."""
        if self.per_second is None:
            return 0.0
        interval = 1.0 / self.per_second
        tat = max(self._tat.get(channel, now), now)
        wait = tat - (self.burst - 1) * interval - now
        if wait > 0:
            return wait
        self._tat[channel] = tat + interval
        return 0.0

    async def post_message(self, request: Request) -> JSONResponse:
        body: dict[str, Any] = await request.json()
        channel = str(body.get("channel", ""))
        if self.cold and channel not in self._warm:
            self._warm.add(channel)
            await asyncio.sleep(self.cold)
        now = time.monotonic()
        with self._lock:
            number = len(self.received) + self.rejected + 1
            forced = self.script.pop(0) if self.script else None
            wait = 0.0 if forced else self._admit(channel, now)
            if forced or wait:
                self.rejected += 1
                self.throttled += 0 if forced else 1
            else:
                key = str(body.get("metadata", {}).get("event_payload", {}).get("key", ""))
                self.received.append(Received(now, channel, key, str(body.get("text", ""))))
        if self.latency:
            await asyncio.sleep(self.latency)
        if number == self.stall_at:
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        if forced:
            status, headers = forced
            return JSONResponse({"ok": False, "error": "ratelimited" if status == 429 else "fatal_error"},
                                status_code=status, headers=headers)
        if wait:
            return JSONResponse({"ok": False, "error": "ratelimited"}, status_code=429,
                                headers={"Retry-After": str(math.ceil(wait))})
        return JSONResponse({"ok": True, "channel": channel, "ts": f"{now:.6f}"})

    def counts(self) -> Counter[str]:
        """Messages accepted per natural key (the outbox key rides along as message metadata)."""
        with self._lock:
            return Counter(r.key for r in self.received)

    def duplicates(self) -> dict[str, int]:
        """Keys accepted more than once, with how many times."""
        return {key: n for key, n in self.counts().items() if n > 1}

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/api/chat.postMessage", self.post_message, methods=["POST"])])


@contextmanager
def serving(standin: SlackStandIn) -> Iterator[str]:
    """Serve the stand-in; yields its API base URL (like MEMS_SLACK_API_URL)."""
    try:
        with serve_asgi(standin.app(), lifespan="off", log_level="error", limit_concurrency=1000,
                        backlog=2048) as base:
            yield f"{base}/api/"
    finally:
        standin.release.set()


def gateway(base_url: str) -> ChatGateway:
    """The real Slack gateway (adapters/slack), pointed at a stand-in."""
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack.gateway import SlackGateway

    return SlackGateway(AsyncWebClient(token="xoxb-stand-in", base_url=base_url, timeout=10))
