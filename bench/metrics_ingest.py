"""Benchmark (issue 14): daily metrics through `POST /api/v1/metrics` of a running `mems serve` against PostgreSQL's
own `COPY` of the same rows into the same table, measured in one run on the company of bench/org_scale.py.

The rows: 50 of the company's campaigns x 10 channels x 100 days that hold no metrics yet (301 to 400 days ago, too
old to be judged for anomalies, as a back-fill would be), 50,000 rows. The API gets them in batches of 5,000 rows
from two clients (a batch is validated, every campaign checked, upserted and its budget levels checked, through the
bus); COPY gets them in one stream (what `bench.org_scale` seeds with). Each round deletes the rows again; the
contenders alternate over the rounds and medians are reported, with mems serve's CPU seconds for the API's rows.
Goal: the API at 50 % or more of COPY's rows/s.

    python -m bench.metrics_ingest [--rounds 3] [--batch 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import aiohttp
from sqlalchemy import text

from adapters.db import totals
from adapters.db.engine import make_engine
from bench import org_scale
from bench.slack_ack import process
from bench.slack_load import cpu_seconds, load_average, mems
from bot.demo import CHANNELS
from domain.metrics import DailyMetric
from tests.standins.server import free_port

TOKEN = "bench-api-token"
CAMPAIGNS, DAYS = 50, 100


def rows(workspace_id: int) -> list[DailyMetric]:
    today = datetime.now(UTC).date()
    first = today - timedelta(days=400)
    found = []
    for campaign in range(1, CAMPAIGNS + 1):
        for d in range(DAYS):
            day = first + timedelta(days=d)
            for k, channel in enumerate(CHANNELS[:10]):
                clicks = 100 + (campaign * 7 + d * 3 + k) % 400
                found.append(DailyMetric(workspace_id, campaign, day, channel, Decimal(clicks * 2) + Decimal("0.35"),
                                         clicks * 40, clicks, clicks // 20, Decimal(clicks * 5) + Decimal("0.10")))
    return found


def as_json(row: DailyMetric) -> dict[str, object]:
    return {"campaign": f"C-{row.campaign_id}", "date": row.day.isoformat(), "channel": row.channel,
            "spend": str(row.spend), "impressions": row.impressions, "clicks": row.clicks,
            "conversions": row.conversions, "revenue": str(row.revenue)}


def delete(url: str, first: date, last: date) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM daily_metrics WHERE day BETWEEN :a AND :b AND campaign_id <= :n"),
                     {"a": first, "b": last, "n": CAMPAIGNS})
        conn.execute(text("DELETE FROM anomaly_evaluations WHERE day BETWEEN :a AND :b"), {"a": first, "b": last})
        totals.refresh(conn, range(1, CAMPAIGNS + 1))  # the API's rows were in them: the totals follow the rows
    engine.dispose()


def count(url: str, first: date, last: date) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = int(conn.execute(text("SELECT count(*) FROM daily_metrics WHERE day BETWEEN :a AND :b "
                                      "AND campaign_id <= :n"), {"a": first, "b": last, "n": CAMPAIGNS}).scalar_one())
    engine.dispose()
    return found


async def post_all(base: str, bodies: list[bytes], clients: int) -> float:
    todo = list(bodies)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    async def client(session: aiohttp.ClientSession) -> None:
        while todo:
            body = todo.pop()
            for _ in range(20):  # 503 + Retry-After: at most two batches are worked at once
                async with session.post(base + "/api/v1/metrics", data=body, headers=headers) as response:
                    answer = await response.text()
                    if response.status == 200:
                        break
                    if response.status != 503:
                        raise RuntimeError(f"{response.status}: {answer[:300]}")
                await asyncio.sleep(float(response.headers.get("Retry-After", "0.2")))

    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(clients)))
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=2)
    args = parser.parse_args()
    company = org_scale.company()
    engine = make_engine(company.url)
    with engine.connect() as conn:
        workspace_id = int(conn.execute(text("SELECT id FROM workspaces WHERE external_id = :t"),
                                        {"t": company.workspace}).scalar_one())
    data = rows(workspace_id)
    first, last = min(r.day for r in data), max(r.day for r in data)
    bodies = [json.dumps({"rows": [as_json(r) for r in data[i:i + args.batch]]}).encode()
              for i in range(0, len(data), args.batch)]
    delete(company.url, first, last)
    print(f"{len(data):,} metric rows ({CAMPAIGNS} campaigns x 10 channels x {DAYS} days) into a table of "
          f"{org_scale.counts(company.url)['daily_metrics']:,}; load average {load_average()}", flush=True)
    api, copy, cpu = [], [], []
    standin = free_port()
    with process(["-m", "tests.standins.slack", str(standin)], {}, standin):
        env = {"MEMS_DATABASE_URL": company.url, "MEMS_SCHEDULER": "off", "MEMS_LOG_LEVEL": "WARNING",
               "MEMS_REDIS_URL": "", "MEMS_API_TOKEN": TOKEN, "MEMS_SLACK_API_URL": f"http://127.0.0.1:{standin}/api/",
               "MEMS_SLACK_BOT_TOKEN": "xoxb-bench", "MEMS_SLACK_SIGNING_SECRET": "bench"}
        with mems(env, 1) as server:
            for n in range(args.rounds):
                for contender in (("api", "copy") if n % 2 == 0 else ("copy", "api")):
                    if contender == "api":
                        before = cpu_seconds(server.pid)
                        seconds = asyncio.run(post_all(server.url, bodies, args.clients))
                        api.append(len(data) / seconds)
                        cpu.append(cpu_seconds(server.pid) - before)
                    else:
                        started = time.perf_counter()
                        org_scale.copy_metrics(engine, data, keep=False)  # the baseline: COPY alone
                        copy.append(len(data) / (time.perf_counter() - started))
                    stored = count(company.url, first, last)
                    assert stored == len(data), (contender, stored)
                    delete(company.url, first, last)
                print(f"  round {n + 1}: API {api[-1]:8,.0f} rows/s, COPY {copy[-1]:8,.0f} rows/s, "
                      f"API / COPY {api[-1] / copy[-1]:.0%}; mems serve's CPU {cpu[-1]:.2f} s "
                      f"(load average {load_average()})", flush=True)
            peak = server.peak_rss
    engine.dispose()
    a, c = statistics.median(api), statistics.median(copy)
    print(f"medians: POST /api/v1/metrics {a:,.0f} rows/s, COPY {c:,.0f} rows/s: the API at {a / c:.0%} of COPY "
          f"(goal >= 50 %); mems serve's CPU for the {len(data):,} rows {statistics.median(cpu):.2f} s; largest "
          f"resident set of mems serve {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
