"""GET /charts/<token>.png: the chart image a link stands for, for platforms that fetch images by URL (Slack).
The token is the only input: no database, no campaign data beyond what a valid token carries. Anything else
(forged, damaged, expired) is a plain 404 that says nothing about why."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

from cachetools import TTLCache
from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from adapters.charts.links import SignedLinks
from adapters.charts.png import families, render_png
from bot.cards import Chart

log = logging.getLogger(__name__)
CACHE_SECONDS = 300  # Slack fetches an image when the message is posted and its proxy may ask again soon after
CACHE_SIZE = 64
BROWSER_CACHE = "public, max-age=86400, immutable"  # a token's picture never changes


class Images:
    """PNGs drawn from tokens, the last few kept for a few minutes (drawing one takes ~70 ms)."""

    def __init__(self, links: SignedLinks, draw: Callable[[Chart], bytes] = render_png) -> None:
        self.links = links
        self.draw = draw
        self._cache: TTLCache[str, bytes] = TTLCache(CACHE_SIZE, CACHE_SECONDS)
        self._lock = threading.Lock()  # cachetools caches are not thread-safe

    def png(self, token: str) -> bytes | None:
        with self._lock:
            cached = self._cache.get(token)
        if cached is not None:
            return cached
        chart = self.links.chart(token)
        if chart is None:
            return None
        data = self.draw(chart)
        with self._lock:
            self._cache[token] = data
        return data


def router(links: SignedLinks) -> APIRouter:
    images = Images(links)

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        """Load matplotlib and its fonts now, in the background: Slack downloads the first chart while it accepts
        the message, and a cold start (half a second, seconds with no font cache yet) could make it give up."""
        threading.Thread(target=families, name="charts-warm-up", daemon=True).start()
        yield

    api = APIRouter(lifespan=lifespan)

    @api.api_route("/charts/{token}.png", methods=["GET", "HEAD"], include_in_schema=False)
    async def chart(token: str) -> Response:
        try:
            data = await run_in_threadpool(images.png, token)
        except Exception:  # a chart that cannot be drawn is a missing picture, never a 500 with a trace
            log.exception("chart image could not be drawn")
            data = None
        if data is None:
            return Response("not found\n", status_code=404, media_type="text/plain")
        return Response(data, media_type="image/png", headers={"Cache-Control": BROWSER_CACHE})

    return api
