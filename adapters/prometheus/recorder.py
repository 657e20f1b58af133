"""The metrics, in prometheus-client: one `Recorder` (bot/observe.py) per process. Under `mems serve --workers N`
each worker writes its values to files in PROMETHEUS_MULTIPROC_DIR (set before prometheus_client is imported) and
a scrape of any worker adds them up; otherwise they live in this process's own registry."""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, multiprocess
from prometheus_client.process_collector import ProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
COMMAND_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SCAN_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
# Every metric name a scrape shows (the Grafana dashboard's queries are checked against these).
NAMES = ("mems_command_seconds", "mems_ack_seconds", "mems_inbox_admissions_total", "mems_inbox_depth",
         "mems_deliveries_total", "mems_scan_seconds", "mems_outbox_depth", "mems_outbox_dead")


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


class PrometheusRecorder:
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        if multiprocess_dir() is None:  # one process: its memory and CPU (the sum over workers would mean nothing)
            ProcessCollector(registry=registry)
        self.commands = Histogram("mems_command_seconds", "Time a command took in the bus, by platform, command type "
                                  "and outcome (error: its answer is an error)", ["platform", "verb", "outcome"],
                                  buckets=COMMAND_BUCKETS, registry=registry)
        self.acks = Histogram("mems_ack_seconds", "Time from a platform's request to its answer (Slack's "
                              "acknowledgement, Feishu's 3-second answer), by transport: http, or socket (Socket "
                              "Mode, Feishu's long connection)", ["platform", "transport"], buckets=ACK_BUCKETS,
                              registry=registry)
        self.admissions = Counter("mems_inbox_admissions", "Chat requests kept in the inbox (admitted), refused "
                                  "as busy, or repeated", ["platform", "admission"], registry=registry)
        self.depth = Gauge("mems_inbox_depth", "Chat requests taken and not finished (all workers)",
                           registry=registry, multiprocess_mode="livesum")
        self.deliveries = Counter("mems_deliveries", "Outbox rows settled by delivery: sent, retry, retried_in_run, "
                                  "dead, deferred, throttled", ["platform", "outcome"], registry=registry)
        self.scans = Histogram("mems_scan_seconds", "Time a scheduled scan took", ["scan", "outcome"],
                               buckets=SCAN_BUCKETS, registry=registry)

    def command(self, platform: str, verb: str, outcome: str, seconds: float) -> None:
        self.commands.labels(platform, verb, outcome).observe(seconds)

    def ack(self, platform: str, seconds: float, transport: str = "http") -> None:
        self.acks.labels(platform, transport).observe(seconds)

    def admission(self, platform: str, admission: str) -> None:
        self.admissions.labels(platform, admission).inc()

    def inbox_depth(self, depth: int) -> None:
        self.depth.set(depth)

    def delivery(self, platform: str, outcome: str, count: int = 1) -> None:
        self.deliveries.labels(platform, outcome).inc(count)

    def scan(self, name: str, outcome: str, seconds: float) -> None:
        self.scans.labels(name, outcome).observe(seconds)

    def scrape_registry(self) -> CollectorRegistry:
        """What a scrape reads: every worker's files under --workers, else this process's registry."""
        if multiprocess_dir() is None:
            return self.registry
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry

    def close(self) -> None:
        """This worker stops: its live gauges (the inbox depth) no longer count."""
        if multiprocess_dir() is not None:
            multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
