"""GET /metrics after real Slack traffic: a slash command's acknowledgement, its admission to the inbox, the command
it ran, the scan that found an overdue task, the outbox rows waiting and then delivered all show in the scrape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prometheus_client.parser import text_string_to_metric_families

from bot.entry import workers
from tests.integration.slack.harness import SlackWorkspace


def scrape(slack: SlackWorkspace, **headers: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    answer = slack.http.get("/metrics", headers=headers)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(answer.text) for s in family.samples}


def value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_a_command_a_scan_and_a_delivery_move_the_metrics(slack: SlackWorkspace) -> None:
    before = scrape(slack)
    assert value(before, "mems_ack_seconds_count", platform="slack", transport="http") == 0
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    assert slack.command("UADMIN", 'new "Metrics Launch"').status_code == 200
    slack.command("UADMIN", f'task add C-1 "Print the posters" due={yesterday}')
    slack.command("UADMIN", "frobnicate")
    after = scrape(slack)
    assert value(after, "mems_ack_seconds_count", platform="slack", transport="http") == 3
    http = {"platform": "slack", "transport": "http"}
    assert value(after, "mems_ack_seconds_bucket", **http, le="3.0") == 3  # all within Slack's 3 s
    assert value(after, "mems_inbox_admissions_total", platform="slack", admission="admitted") == 3
    ok = {"platform": "slack", "outcome": "ok"}
    assert value(after, "mems_command_seconds_count", verb="NewCampaign", **ok) == 1
    assert value(after, "mems_command_seconds_count", verb="AddTask", **ok) == 1
    assert value(after, "mems_command_seconds_count", platform="slack", verb="unparsed", outcome="error") == 1
    assert value(after, "mems_inbox_depth") == 0  # all worked

    [deadlines] = [r for r in workers.scan_all(slack.container, datetime.now(UTC)) if r.name == "ScanDeadlines"]
    assert deadlines.written >= 1
    scanned = scrape(slack)
    assert value(scanned, "mems_scan_seconds_count", scan="ScanDeadlines", outcome="ok") == 1
    assert value(scanned, "mems_outbox_depth", state="due") >= deadlines.written
    assert value(scanned, "mems_outbox_depth", state="leased") == 0

    delivered = slack.deliver()
    assert delivered >= deadlines.written
    final = scrape(slack)
    assert value(final, "mems_deliveries_total", platform="slack", outcome="sent") == delivered
    assert value(final, "mems_outbox_depth", state="due") == 0
