"""docs/grafana-dashboard.json is valid JSON and every query in it names metrics MEMS exports: the names are read
from a real scrape of the exporter (each metric recorded once), not from a list kept by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from adapters.prometheus.recorder import NAMES, PrometheusRecorder
from adapters.prometheus.routes import OutboxDepth

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana-dashboard.json"
# Identifiers in PromQL that are not metric names: functions, aggregations, keywords.
PROMQL = {"histogram_quantile", "sum", "rate", "increase", "max", "min", "avg"}


def exported() -> set[str]:
    """Every sample name a scrape shows (a histogram's _bucket, _count and _sum; a counter's _total)."""
    recorder = PrometheusRecorder()
    recorder.command("slack", "Help", "ok", 0.01)
    recorder.ack("slack", 0.002)
    recorder.admission("slack", "busy")
    recorder.inbox_depth(1)
    recorder.delivery("slack", "dead")
    recorder.scan("ScanDeadlines", "ok", 0.5)
    outbox = CollectorRegistry(auto_describe=False)
    outbox.register(OutboxDepth(lambda: {"due": 1, "dead": 0}))
    text = (generate_latest(recorder.scrape_registry()) + generate_latest(outbox)).decode()
    return {sample.name for family in text_string_to_metric_families(text) for sample in family.samples}


def queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def test_every_query_names_an_exported_metric() -> None:
    names = exported()
    found = set()
    for expr in queries():
        without_labels = re.sub(r"\{[^}]*\}|\[[^]]*\]|\"[^\"]*\"|\b(by|without)\s*\([^)]*\)", "", expr)
        used = {word for word in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_labels)} - PROMQL
        assert used, expr
        assert used <= names, f"{expr}: {sorted(used - names)} not exported"
        found |= used
    # and every metric the exporter documents has a panel
    assert {name for name in NAMES if not any(n.startswith(name) for n in found)} == set()


def test_the_dashboard_is_importable() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] and dashboard["title"] and dashboard["schemaVersion"] >= 36
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert {"x", "y", "w", "h"} <= set(panel["gridPos"]) and panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
