"""Benchmark (issue 14): reads and scans of the 5,000-person company (bench/org_scale.py) on PostgreSQL, through the
real bus, against a baseline measured in the same run.

- `report` of the campaign of 365 days x 20 channels (7,300 metric rows), and `overview` of 1,000 campaigns
  (2,000,000 metric rows): p50 and p95 of 40 rounds after a warm-up; baseline: `help` (a bus round trip that reads
  the asker and nothing else). Goals: p95 under 150 ms and 200 ms. The start-up heap is frozen first, as `mems serve`
  does (bot/entry/web.py): a full garbage collection walking it cost an overview 60-120 ms, one in five.
- the daily anomaly evaluation: every campaign's yesterday judged (1,000 campaigns x 10 channels = 10,000 series,
  and each campaign as a whole), the earlier days of the look-back marked judged first, as after a day of normal
  running. Goal: under 10 s. Its evaluations are removed afterwards, so the run can be repeated.
- the 09:00 digest: the digest scan for the workspace of 5,000 people with 100 channels subscribed (one to every
  campaign, 99 each to ten campaigns), written to the outbox. Goal: prepared in under 10 s. Its outbox rows are
  removed afterwards. (Delivering them at Slack's rate is `python -m bench.delivery_rate`.)

    python -m bench.org_reads [--rounds 40] [--skip-scans | --anomaly-only]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from adapters.db.engine import make_engine
from bench import org_scale
from bench.dashboard import timed
from bot.context import Context
from bot.entry import bootstrap
from bot.entry.web import freeze_start_up
from domain import commands as c
from domain.notifications import Subscription
from domain.people import Platform


def p95(ms: list[float]) -> float:
    return statistics.quantiles(ms, n=20)[18]


def line(name: str, ms: list[float], base: list[float] | None = None) -> str:
    ratio = f"   x{statistics.median(ms) / statistics.median(base):5.1f} the baseline's p50" if base else ""
    return f"  {name:<52} p50 {statistics.median(ms):7.1f} ms   p95 {p95(ms):7.1f} ms{ratio}"


def anomaly_day(container: bootstrap.Container, url: str) -> tuple[float, int, int]:
    """Mark the look-back's earlier days judged (quiet), time the scan of yesterday, then remove what it wrote."""
    engine = make_engine(url)
    now = datetime.now(UTC)
    yesterday = (now - timedelta(days=1)).date()
    lookback = container.settings.anomaly_lookback_days + 1
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM anomaly_evaluations"))
            conn.execute(text(
                "INSERT INTO anomaly_evaluations (workspace_id, campaign_id, day, evaluated_at, outcome, moves) "
                "SELECT workspace_id, campaign_id, day, :now, 'quiet', CAST('[]' AS json) FROM (SELECT DISTINCT "
                "workspace_id, campaign_id, day FROM daily_metrics WHERE day >= :since AND day < :yesterday) AS d"),
                {"now": now, "since": yesterday - timedelta(days=lookback + 1), "yesterday": yesterday})
            left, series = conn.execute(text("SELECT count(DISTINCT campaign_id), count(*) FROM daily_metrics "
                                             "WHERE day = :d"), {"d": yesterday}).one()
        started = time.perf_counter()
        result = container.bus.run_system(c.ScanAnomalies(at=now))
        seconds = time.perf_counter() - started
        assert result.error is None, result.error
        with engine.begin() as conn:
            judged = conn.execute(text("SELECT count(*) FROM anomaly_evaluations WHERE day = :d"),
                                  {"d": yesterday}).scalar_one()
            assert judged == left, (judged, left)
            # What the scan decided and wrote, as a fingerprint: a faster scan must leave the same one.
            verdicts = conn.execute(text("SELECT campaign_id, outcome, CAST(moves AS text) FROM anomaly_evaluations "
                                         "WHERE day = :d ORDER BY campaign_id"), {"d": yesterday}).all()
            keys = conn.execute(text("SELECT key FROM outbox WHERE created_at >= :now ORDER BY key"),
                                {"now": now}).scalars().all()
            conn.execute(text("DELETE FROM anomaly_evaluations"))
            conn.execute(text("DELETE FROM outbox WHERE created_at >= :now"), {"now": now})
        alerted = sum(1 for v in verdicts if v[1] == "alerted")
        fingerprint = hashlib.sha256(repr(([tuple(v) for v in verdicts], keys)).encode()).hexdigest()[:12]
        print(f"  (the scan: {alerted} campaigns alerted, {len(keys)} outbox rows written; fingerprint {fingerprint})")
        return seconds, int(judged), int(series)
    finally:
        engine.dispose()


def print_anomaly_day(container: bootstrap.Container, url: str) -> None:
    seconds, judged, series = anomaly_day(container, url)
    print(f"  daily anomaly evaluation: {judged:,} campaigns' yesterday ({series:,} channel series and "
          f"{judged:,} totals) in {seconds:.2f} s (goal < 10 s)")


def print_load_at_end() -> None:
    with open("/proc/loadavg") as f:
        print(f"(load average at the end {f.read().split()[0]})")


def digest(container: bootstrap.Container, url: str, workspace_id: int, campaigns: int) -> tuple[float, int]:
    engine = make_engine(url)
    now = datetime.now(UTC)
    with container.uow_factory() as uow:
        for sub in uow.subscriptions.for_workspace(workspace_id):
            uow.subscriptions.remove(sub.workspace_id, sub.channel_ref, sub.campaign_id)
        uow.subscriptions.put(Subscription(workspace_id, "CDIGEST00", None, frozenset({"digest"})))
        for n in range(1, 100):
            for k in range(10):
                campaign = 1 + (n * 10 + k) % campaigns
                uow.subscriptions.put(Subscription(workspace_id, f"CDIGEST{n:02d}", campaign, frozenset({"digest"})))
        uow.commit()
    try:
        at = now.replace(hour=1, minute=5)  # 09:05 in Shanghai: the digest is due
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM outbox WHERE kind = 'digest'"))
        started = time.perf_counter()
        result = container.bus.run_system(c.SendDigests(at=at))
        seconds = time.perf_counter() - started
        assert result.error is None, result.error
        with engine.begin() as conn:
            written = conn.execute(text("SELECT count(*) FROM outbox WHERE kind = 'digest'")).scalar_one()
            conn.execute(text("DELETE FROM outbox WHERE kind = 'digest'"))
        return seconds, int(written)
    finally:
        with container.uow_factory() as uow:
            for sub in uow.subscriptions.for_workspace(workspace_id):
                uow.subscriptions.remove(sub.workspace_id, sub.channel_ref, sub.campaign_id)
            uow.commit()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--skip-scans", action="store_true")
    parser.add_argument("--anomaly-only", action="store_true", help="only the daily anomaly evaluation")
    args = parser.parse_args()
    company = org_scale.company()
    container = bootstrap.build(org_scale.settings(company.url), console_out=io.StringIO())
    bus = container.bus
    alice = Context(Platform.SLACK, company.workspace, "alice", "CBENCH", user_name="alice")
    counts = org_scale.counts(company.url)
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    print(f"the company: {counts['members']:,} people, {counts['campaigns']:,} campaigns, {counts['tasks']:,} tasks, "
          f"{counts['daily_metrics']:,} metric rows (load average {load})")
    if args.anomaly_only:
        print_anomaly_day(container, company.url)
        print_load_at_end()
        container.close()
        return
    freeze_start_up()  # as mems serve does once started: the start-up heap is left out of every garbage collection
    report = f"report C-{company.big}"
    for command in ("help", report, "overview"):
        reply = bus.execute(alice, command)
        assert not reply.is_error, reply.text
    base = timed(lambda: bus.execute(alice, "help"), args.rounds)
    print("chat, through the real bus (parse, read, present):")
    print(line("baseline: help", base))
    reported = timed(lambda: bus.execute(alice, report), args.rounds)
    print(line(f"{report} (365 days x 20 channels; goal p95 < 150 ms)", reported, base))
    overview = timed(lambda: bus.execute(alice, "overview"), args.rounds)
    print(line("overview (1,001 campaigns; goal p95 < 200 ms)", overview, base))
    if not args.skip_scans:
        with container.uow_factory() as uow:
            workspace = uow.workspaces.by_key(Platform.SLACK, company.workspace)
            assert workspace is not None
        print_anomaly_day(container, company.url)
        seconds, written = digest(container, company.url, workspace.pk, counts["campaigns"])
        print(f"  09:00 digest for {counts['members']:,} people: {written} digests to subscribed channels prepared in "
              f"{seconds:.2f} s (goal < 10 s)")
    print_load_at_end()
    container.close()


if __name__ == "__main__":
    main()
