"""Benchmark (issue 10, item 19): how long `GET /healthz` takes on a running `mems serve` while ten 6 MB metrics
batches arrive at once, against the same server idle, measured in one run. The batches name a campaign that does not
exist, so each is read, parsed and every row checked in full, then refused (422) without writing 38,000 rows: the
work that stalled the event loop. Goal: /healthz answers in well under a second (it took 2.96 s).

    python -m bench.api_healthz [--batches 10] [--megabytes 6]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp

from adapters.db.migrate import upgrade
from bench.slack_ack import process
from bench.slack_load import load_average
from tests.standins.server import free_port

TOKEN = "bench-operator-token"
ROW = {"campaign": "C-999", "date": "2026-11-25", "channel": "douyin", "spend": "1000.00", "impressions": 100000,
       "clicks": 1500, "conversions": 60, "revenue": "4000.00"}


def batch(megabytes: int) -> bytes:
    return json.dumps({"rows": [ROW] * (megabytes * 1024 * 1024 // len(json.dumps(ROW)))}).encode()


async def probe(session: aiohttp.ClientSession, url: str, stop: asyncio.Event, every: float = 0.02) -> list[float]:
    """/healthz latencies, one request at a time, until `stop`."""
    found: list[float] = []
    while not stop.is_set():
        started = time.perf_counter()
        async with session.get(url + "/healthz") as response:
            await response.read()
        found.append(time.perf_counter() - started)
        await asyncio.sleep(every)
    return found


async def idle(url: str, seconds: float = 2.0) -> list[float]:
    stop = asyncio.Event()
    async with aiohttp.ClientSession() as session:
        task = asyncio.create_task(probe(session, url, stop))
        await asyncio.sleep(seconds)
        stop.set()
        return await task


async def loaded(url: str, body: bytes, batches: int) -> tuple[list[float], list[int], float]:
    stop = asyncio.Event()
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        health = asyncio.create_task(probe(session, url, stop))

        async def post() -> int:
            async with session.post(url + "/api/v1/metrics", data=body, headers=headers) as response:
                await response.read()
                return response.status

        started = time.perf_counter()
        statuses = await asyncio.gather(*(post() for _ in range(batches)))
        took = time.perf_counter() - started
        stop.set()
        return await health, list(statuses), took


def row(name: str, found: list[float]) -> str:
    ms = sorted(x * 1000 for x in found)
    return (f"{name:<34} {len(ms):>5} {statistics.median(ms):>9.1f} {ms[int(len(ms) * 0.95) - 1]:>9.1f} "
            f"{ms[-1]:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--megabytes", type=int, default=6)
    args = parser.parse_args()
    body = batch(args.megabytes)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'mems.db'}"
        upgrade(url)
        port = free_port()
        env = {"MEMS_DATABASE_URL": url, "MEMS_API_TOKEN": TOKEN, "MEMS_SCHEDULER": "off", "MEMS_LOG_LEVEL": "WARNING"}
        with process(["-m", "bot.entry.cli", "serve", "--port", str(port)], env, port) as server:
            calm = asyncio.run(idle(server))
            busy, statuses, took = asyncio.run(loaded(server, body, args.batches))
    print(f"/healthz on mems serve, {args.batches} concurrent {len(body) / 1e6:.1f} MB batches "
          f"(load average {load_average()} on a shared machine)")
    print(f"{'':<34} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    print(row("idle", calm))
    print(row(f"while {args.batches} batches come in", busy))
    counts = ", ".join(f"{statuses.count(s)} x {s}" for s in sorted(set(statuses)))
    print(f"batches answered in {took:.1f} s: {counts}")
    print(f"ratio max /healthz loaded / idle p50: x{max(busy) / statistics.median(calm):.0f}")


if __name__ == "__main__":
    main()
