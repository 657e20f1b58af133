"""Benchmark: deliver 10,000 alerts over 100 channels to a local Slack-shaped stand-in that enforces Slack's
per-channel limit (1 a second after a burst of 3; 429 + Retry-After beyond it).

Reports the delivery rate as a fraction of what the limit allows, and lost / duplicated alerts. The alerts are
approval cards (never folded), in random channel order, so every one is its own message. The gateway is
pluggable: `--gateway module:factory` is called with the stand-in's base URL (default: the real Slack gateway).

    python -m bench.delivery_rate [--alerts 10000] [--channels 100] [--database-url sqlite:///...]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import random
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from bot import bootstrap
from bot.actions import Action, ActionId
from bot.cards import Button, Card
from bot.settings import Settings
from domain.notifications import OutboxMessage, Target, TargetKind
from domain.people import Platform, Workspace
from tests.standins.slack_limited import SlackStandIn, serving

BURST = 3


def gateway_factory(spec: str) -> Any:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def seed(container: bootstrap.Container, alerts: int, channels: int) -> None:
    card = Card("Budget request", buttons=(Button("Approve", Action(ActionId.APPROVE, "A-1")),)).to_dict()
    order = [n % channels for n in range(alerts)]
    random.Random(7).shuffle(order)
    now = datetime.now(UTC)
    with container.uow_factory() as uow:
        workspace = uow.workspaces.add(Workspace(Platform.SLACK, "T1", "bench", "Asia/Shanghai", "en", "CNY"))
        assert workspace.id is not None
        for n, channel in enumerate(order):
            target = Target(TargetKind.CHANNEL, f"C{channel:03d}")
            uow.outbox.add(OutboxMessage(key=f"approval.pending:A-{n}:step1:{target}", kind="approval.pending",
                                         workspace_id=workspace.id, target=target, payload=card, created_at=now,
                                         not_before=now))
        uow.commit()


async def deliver(container: bootstrap.Container, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        await container.delivery.drain()
        if not container.outbox.list_pending(limit=1):
            return
        await asyncio.sleep(0.1)  # what the serve loop does between polls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--gateway", default="tests.standins.slack_limited:gateway")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    standin = SlackStandIn(per_second=1.0, burst=BURST)
    with serving(standin) as base_url:
        gateway = gateway_factory(args.gateway)(base_url)
        settings = Settings(_env_file=None, database_url=url, scheduler="off")  # type: ignore[call-arg]
        container = bootstrap.build(settings, gateways={Platform.SLACK: gateway})
        seed(container, args.alerts, args.channels)
        started = time.monotonic()
        asyncio.run(deliver(container, limit_s=args.alerts / args.channels * 3 + 60))
        elapsed = time.monotonic() - started
        container.close()
    counts = Counter(r.key for r in standin.received)
    lost = args.alerts - len(counts)
    duplicates = sum(n - 1 for n in counts.values())
    # What the limit allows in that time: each channel's burst, then one a second.
    allowed = args.channels * (BURST + elapsed * 1.0)
    rate = len(standin.received) / elapsed
    print(f"delivered {len(counts):,} of {args.alerts:,} alerts over {args.channels} channels in {elapsed:.1f} s "
          f"({rate:.1f}/s)")
    print(f"the limit allows {allowed:,.0f} in that time ({args.channels}/s + bursts of {BURST}): "
          f"delivery rate = {len(standin.received) / allowed:.1%} of the limit")
    print(f"lost = {lost}, duplicates = {duplicates}, 429s from the stand-in = {standin.rejected}")


if __name__ == "__main__":
    main()
