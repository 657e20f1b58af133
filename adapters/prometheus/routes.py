"""GET /metrics in Prometheus's text format: the recorder's metrics and, read at each scrape, the outbox's depth and
its dead letters.
With MEMS_METRICS_TOKEN set it answers only `Authorization: Bearer <token>` (401 otherwise)."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Iterator, Mapping

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

from adapters.prometheus.recorder import PrometheusRecorder

log = logging.getLogger(__name__)
STATES = ("due", "waiting", "leased")
# The classic text format, which every Prometheus reads (MEMS's metric names need nothing newer).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class OutboxDepth:
    """mems_outbox_depth{state}: pending rows due now, waiting (held, backing off) and leased (being sent); and
    mems_outbox_dead, the dead letters there are now."""

    def __init__(self, depth: Callable[[], Mapping[str, int]]) -> None:
        self.depth = depth

    def describe(self) -> Iterator[Metric]:
        yield self._family()

    def collect(self) -> Iterator[Metric]:
        try:
            counts = self.depth()
        except Exception as exc:  # the database is away: the scrape still answers, without this metric
            log.warning("metrics: could not read the outbox's depth (%s)", type(exc).__name__)
            return
        family = self._family()
        for state in STATES:
            family.add_metric([state], counts.get(state, 0))
        yield family
        if "dead" in counts:
            yield GaugeMetricFamily("mems_outbox_dead", "Dead letters: outbox rows that gave up and wait for an "
                                    "operator (mems outbox --dead says why, --replay sends one again)",
                                    value=counts["dead"])

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily("mems_outbox_depth", "Outbox rows waiting for delivery, by state (due now, waiting "
                                 "for their time, leased to a worker)", labels=["state"])


def router(recorder: PrometheusRecorder, depth: Callable[[], Mapping[str, int]] | None,
           token: str | None = None) -> APIRouter:
    outbox = CollectorRegistry(auto_describe=False)
    if depth is not None:
        outbox.register(OutboxDepth(depth))
    expected = f"Bearer {token}".encode() if token else None
    routes = APIRouter()

    @routes.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if expected is not None and not hmac.compare_digest(
                request.headers.get("authorization", "").encode(), expected):
            return Response("unauthorized\n", status_code=401, headers={"WWW-Authenticate": "Bearer"})
        body = await run_in_threadpool(lambda: generate_latest(recorder.scrape_registry()) + generate_latest(outbox))
        return Response(body, media_type=CONTENT_TYPE)

    return routes
