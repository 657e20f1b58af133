"""A seeded company on PostgreSQL for the issue 14 benchmarks: 5,000 people, 1,000 campaigns, 30,000 tasks and
2,000,000 metric rows (1,000 campaigns x 10 channels x 200 days), plus one always-on campaign of 365 days x 20
channels, all in one Slack workspace (team T0ORG).

Made by `mems demo`'s generator (bot.demo: the people and their roles, each campaign's tasks, budget requests,
spend and daily metrics by channel); every campaign is running and has run 200 days up to yesterday, so the anomaly
scan has 10,000 series to judge. People, campaigns and requests go in through the demo's bulk loader; tasks and
metric rows through PostgreSQL's COPY, campaign by campaign (the metrics are never all in memory at once).

It lives in a database of its own (`mems_bench`, created beside the one in the URL; the URL's own database is never
touched), schema `org`. Seeding takes a few minutes; the benchmarks reuse the company while its marker row says it is
complete and seed it again otherwise.

    python -m bench.org_scale            # seed if needed, print what is there
    python -m bench.org_scale --fresh    # drop and seed again

MEMS_BENCH_POSTGRES_URL names the server (default postgresql+psycopg://postgres@127.0.0.1:5432/test);
MEMS_BENCH_DATABASE names the company's database (default mems_bench).
"""

from __future__ import annotations

import argparse
import io
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, make_url, text

from adapters.db import totals
from adapters.db.engine import make_engine, normalize_url
from adapters.db.migrate import upgrade
from bot.context import Context
from bot.demo import Bundle, Generator, Size, people
from bot.entry import bootstrap
from bot.identity import workspace_for
from bot.settings import Settings
from domain.campaign import Status
from domain.metrics import DailyMetric
from domain.people import Platform

BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASE = os.environ.get("MEMS_BENCH_DATABASE", "mems_bench")  # one per engineer, so benchmarks never share a company
SCHEMA, TEAM = "org", "T0ORG"
PEOPLE, CAMPAIGNS, TASKS, CHANNELS, DAYS = 5000, 1000, 30, 10, 200
BIG_DAYS, BIG_CHANNELS = 365, 20  # the report benchmark's campaign
MARKER = "org_scale_seeded_v1"  # a row in its own table, written last: the company is complete


@dataclass(frozen=True)
class Company:
    url: str  # SQLAlchemy URL with the schema on the search path
    workspace: str  # the Slack team id
    big: int  # the campaign of 365 days x 20 channels
    seconds: float = 0.0  # how long seeding took (0: reused)


def server_url() -> str:
    return os.environ.get("MEMS_BENCH_POSTGRES_URL", BASE)


def company_url(base: str | None = None) -> str:
    url = normalize_url(base or server_url()).set(database=DATABASE)
    return url.update_query_dict({"options": f"-csearch_path={SCHEMA}"}).render_as_string(hide_password=False)


def _ensure_database(base: str) -> None:
    admin = make_engine(normalize_url(base).render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": DATABASE}).first() is None:
            conn.execute(text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()


def _schema_engine(base: str) -> Engine:
    return make_engine(normalize_url(base).set(database=DATABASE).render_as_string(hide_password=False))


def _seeded(engine: Engine) -> int | None:
    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_tables WHERE schemaname = :s AND tablename = 'bench_marker'"),
                        {"s": SCHEMA}).first() is None:
            return None
        row = conn.execute(text(f"SELECT big FROM {SCHEMA}.bench_marker WHERE name = :n"), {"n": MARKER}).first()
        return int(row[0]) if row else None


def company(fresh: bool = False, log: bool = True) -> Company:
    """The seeded company: reused when complete, else (or with `fresh`) dropped and seeded again."""
    base = server_url()
    _ensure_database(base)
    engine = _schema_engine(base)
    try:
        big = None if fresh else _seeded(engine)
        if big is not None:
            upgrade(company_url(base))  # the code may have moved on since it was seeded: its migrations, if any
            return Company(company_url(base), TEAM, big)
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        started = time.monotonic()
        big = seed(company_url(base), log)
        with engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE {SCHEMA}.bench_marker (name text PRIMARY KEY, big int)"))
            conn.execute(text(f"INSERT INTO {SCHEMA}.bench_marker VALUES (:n, :b)"), {"n": MARKER, "b": big})
        return Company(company_url(base), TEAM, big, time.monotonic() - started)
    finally:
        engine.dispose()


def settings(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {"database_url": url, "scheduler": "off", "admins": "slack:alice"}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


# -- seeding ------------------------------------------------------------------------------------------------------


def _running(gen: Generator, bundle: Bundle, days: int, channels: int, n: int) -> None:
    """Make the generated campaign one that has run `days` days up to yesterday on `channels` channels."""
    c = bundle.campaign
    c.status = Status.ACTIVE
    c.start = gen.today - timedelta(days=days + n % 7)
    c.end = gen.today + timedelta(days=20 + n % 40)
    c.launch = c.start + timedelta(days=7)
    bundle.metrics = gen.metrics(c, Size(days=days, channels=channels), bundle.requests[0].amount.amount)


def _tsv(values: Iterable[object]) -> str:
    return "\t".join("\\N" if v is None else str(v) for v in values)


def _metric_lines(rows: Iterable[DailyMetric], campaigns: set[int]) -> Iterator[str]:
    for m in rows:
        campaigns.add(m.campaign_id)
        yield _tsv((m.workspace_id, m.campaign_id, m.day.isoformat(), m.channel, m.spend, m.impressions, m.clicks,
                    m.conversions, m.revenue)) + "\n"


METRIC_COLUMNS = "workspace_id, campaign_id, day, channel, spend, impressions, clicks, conversions, revenue"


def copy_metrics(engine: Engine, rows: Iterable[DailyMetric], table: str = "daily_metrics", keep: bool = True) -> int:
    """COPY metric rows into PostgreSQL in one transaction, with the totals of their campaigns recomputed in it (as
    every writer of daily_metrics does; `keep=False`: COPY alone, for rows deleted again at once); how many."""
    count, campaigns = 0, set()
    with engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor, cursor.copy(f"COPY {table} ({METRIC_COLUMNS}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for line in _metric_lines(rows, campaigns):
                buffer.write(line)
                count += 1
                if count % 20000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        if keep and table == "daily_metrics":
            totals.refresh(conn, campaigns)
    return count


def _copy_tasks(engine: Engine, bundles: list[Bundle]) -> None:
    columns = ("workspace_id, campaign_id, title, created_at, assignee, due, status, blocked_reason, from_template, "
               "done_at, version")
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur, cur.copy(f"COPY tasks ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for b in bundles:
                for t in b.tasks:
                    copy.write(_tsv((t.workspace_id, b.campaign.pk, t.title, t.created_at.isoformat(), t.assignee,
                                     t.due.isoformat() if t.due else None, t.status.value, t.blocked_reason,
                                     "t" if t.from_template else "f",
                                     t.done_at.isoformat() if t.done_at else None, 0)) + "\n")
        raw.commit()
    finally:
        raw.close()


def seed(url: str, log: bool = True) -> int:
    """Migrate and fill the schema; returns the big campaign's number."""
    def say(message: str) -> None:
        if log:
            print(f"  [{time.monotonic() - started:6.1f} s] {message}", flush=True)

    started = time.monotonic()
    upgrade(url)
    container = bootstrap.build(settings(url), console_out=io.StringIO())
    assert container.bulk is not None
    engine = make_engine(url)
    try:
        with container.uow_factory() as uow:
            ws = workspace_for(uow, Context(Platform.SLACK, TEAM, "mems"), container.settings)
            uow.commit()
        now = datetime.now(UTC)
        gen = Generator(ws.pk, ws.currency, ws.tz, now, container.deps.policy, seed=14)
        members = people(ws.pk, PEOPLE, now)
        container.bulk.members(members)
        say(f"{len(members):,} people")
        metrics = 0
        batch = 50  # campaigns per round: their metric rows (100,000) are the most held in memory at once
        for first in range(0, CAMPAIGNS, batch):
            bundles = []
            for n in range(first, min(first + batch, CAMPAIGNS)):
                bundle = gen.bundle(n, Size(tasks=TASKS, days=DAYS, channels=CHANNELS), members)
                _running(gen, bundle, DAYS, CHANNELS, n)
                bundle.tasks = gen.tasks(bundle.campaign, TASKS, members)
                bundles.append(bundle)
            metrics += _load(container, engine, bundles)
            if (first // batch) % 4 == 3:
                say(f"{first + batch:,} campaigns, {metrics:,} metric rows")
        big = gen.bundle(CAMPAIGNS, Size(tasks=TASKS, days=BIG_DAYS, channels=BIG_CHANNELS), members)
        _running(gen, big, BIG_DAYS, BIG_CHANNELS, 0)
        big.campaign.name = "Always-on brand (365 days x 20 channels)"
        big.tasks = gen.tasks(big.campaign, TASKS, members)
        metrics += _load(container, engine, [big])
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        say(f"{CAMPAIGNS + 1:,} campaigns, {metrics:,} metric rows, analyzed")
        return big.campaign.pk
    finally:
        engine.dispose()
        container.close()


def _load(container: bootstrap.Container, engine: Engine, bundles: list[Bundle]) -> int:
    """Campaigns, requests and spend through the demo's loader (ids come back); tasks and metrics by COPY."""
    assert container.bulk is not None
    metrics = [b.metrics for b in bundles]
    tasks = [b.tasks for b in bundles]
    for b in bundles:
        b.metrics, b.tasks = [], []
    container.bulk.bundles(bundles)
    for b, rows, todo in zip(bundles, metrics, tasks, strict=True):
        b.metrics = [DailyMetric(m.workspace_id, b.campaign.pk, m.day, m.channel, m.spend, m.impressions, m.clicks,
                                 m.conversions, m.revenue) for m in rows]
        b.tasks = todo
    _copy_tasks(engine, bundles)
    return copy_metrics(engine, (m for b in bundles for m in b.metrics))


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found = {}
            for table in ("members", "campaigns", "tasks", "approval_requests", "daily_metrics"):
                found[table] = int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            return found
    finally:
        engine.dispose()


def yesterday() -> date:
    return (datetime.now(UTC) - timedelta(days=1)).date()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="drop the company and seed it again")
    args = parser.parse_args()
    found = company(fresh=args.fresh)
    how = f"seeded in {found.seconds:.0f} s" if found.seconds else "reused"
    print(f"company at {make_url(found.url).render_as_string()} ({how}); big campaign C-{found.big}")
    for table, n in counts(found.url).items():
        print(f"  {table:<20} {n:>10,}")


if __name__ == "__main__":
    main()
