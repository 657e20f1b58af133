"""A delivery process for crash tests and benchmarks: the real bootstrap and worker, Slack through the minimal
gateway at a stand-in. `python -m tests.standins.deliver DATABASE_URL SLACK_API_URL [SECONDS]` drains until no
pending row is left (or the time is up); settings (lease, concurrency) come from MEMS_* variables."""

from __future__ import annotations

import asyncio
import sys
import time

from bot.entry import bootstrap
from bot.settings import load
from domain.people import Platform
from tests.standins.slack_limited import gateway


async def run(database_url: str, api_url: str, seconds: float) -> int:
    container = bootstrap.build(load(database_url=database_url), gateways={Platform.SLACK: gateway(api_url)})
    delivered = 0
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            delivered += await container.delivery.drain()
            if not container.outbox.list_pending(limit=1):
                break
            await asyncio.sleep(0.2)  # leased elsewhere or waiting for a retry: look again shortly
    finally:
        container.close()
    return delivered


if __name__ == "__main__":
    count = asyncio.run(run(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 60.0))
    print(f"delivered {count}", flush=True)
