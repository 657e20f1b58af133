"""Benchmark: the deadline scan on PostgreSQL grows with the tasks due, not with the table.

Two tables side by side, 10,000 and 1,000,000 tasks, each with the same 1,000 open tasks due around now (the rest
done, or due months away); the scan runs through the real bus. Prints the timings, their ratio, and the plan of
the window query (the partial index ix_tasks_open_due).

    MEMS_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python -m bench.deadline_scan
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from adapters.db.engine import make_engine, normalize_url, session_factory
from adapters.db.migrate import upgrade
from adapters.db.outbox_store import SqlOutboxStore
from adapters.db.uow import SqlUnitOfWork
from bot.entry import bootstrap
from bot.settings import Settings
from domain.commands import ScanDeadlines
from tests.fakes import FakeClock

AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
FILL = """
INSERT INTO tasks (workspace_id, campaign_id, title, created_at, assignee, due, status, from_template, version)
SELECT 1, 1 + (n % 100), 'task ' || n, :at, 'u' || (n % 500),
       CASE WHEN n <= :due THEN :at + ((n % 48) - 24) * interval '1 hour' + interval '17 minutes'
            ELSE :at + (30 + n % 300) * interval '1 day' END,
       CASE WHEN n > :due AND n % 2 = 0 THEN 'done' ELSE 'todo' END, false, 0
FROM generate_series(1, :total) AS n
"""


def build(base: str, total: int, due: int) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    url = normalize_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO workspaces (platform, external_id, name, timezone, lang, currency) "
                          "VALUES ('console', 'local', 'local', 'Asia/Shanghai', 'en', 'CNY')"))
        conn.execute(text("INSERT INTO campaigns (workspace_id, name, owner, home_channel, created_by, created_at, "
                          "currency, status, kpis, version) SELECT 1, 'campaign ' || n, 'owner', 'ch' || n, 'owner', "
                          ":at, 'CNY', 'active', '{}', 0 FROM generate_series(1, 100) AS n"), {"at": AT})
        conn.execute(text(FILL), {"at": AT, "due": due, "total": total})
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return schema, url


def scan_times(url: str, runs: int) -> tuple[float, list[float], int]:
    engine = make_engine(url)
    sessions = session_factory(engine)
    settings = Settings(_env_file=None, database_url=url, scheduler="off")  # type: ignore[call-arg]
    container = bootstrap.build(settings, clock=FakeClock(AT), uow_factory=lambda: SqlUnitOfWork(sessions),
                                outbox=SqlOutboxStore(sessions), gateways={})
    started = time.perf_counter()
    first = container.bus.run_system(ScanDeadlines(AT))
    first_time = time.perf_counter() - started
    repeats = []
    for _ in range(runs):
        started = time.perf_counter()
        again = container.bus.run_system(ScanDeadlines(AT))
        repeats.append(time.perf_counter() - started)
        assert again.written == 0
    engine.dispose()
    return first_time, repeats, first.written


def plan(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("EXPLAIN SELECT * FROM tasks WHERE status <> 'done' AND due >= :a AND due < :b "
                                 "ORDER BY due, id"), {"a": AT - timedelta(days=7), "b": AT + timedelta(hours=25)})
        lines = [r[0] for r in rows]
    engine.dispose()
    return "\n".join("    " + line for line in lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = os.environ.get("MEMS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    results = []
    for total in (int(s) for s in args.sizes.split(",")):
        started = time.perf_counter()
        schema, url = build(base, total, args.due)
        load = time.perf_counter() - started
        try:
            first, repeats, written = scan_times(url, args.runs)
            results.append((total, load, first, statistics.median(repeats), written, plan(url)))
        finally:
            admin = make_engine(base)
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    print(f"deadline scan on PostgreSQL, {args.due} open tasks due within [-24 h, +24 h) in every table")
    print(f"{'tasks':>10} {'load s':>8} {'first scan s':>13} {'repeat scan s (median)':>23} {'alerts':>7}")
    for total, load, first, repeat, written, _ in results:
        print(f"{total:>10,} {load:>8.1f} {first:>13.3f} {repeat:>23.3f} {written:>7}")
    if len(results) >= 2:
        small, big = results[0], results[-1]
        print(f"ratio {big[0] // small[0]}x the rows: first scan x{big[2] / small[2]:.2f}, "
              f"repeat scan x{big[3] / small[3]:.2f}")
    print("plan of the window query on the largest table:")
    print(results[-1][5])


if __name__ == "__main__":
    main()
