"""Benchmark: the portfolio (`overview` in chat and the dashboard's `/`) with 1,000 campaigns, and a campaign page with
300 tasks and 365 days of metrics by channel, on PostgreSQL, against baselines measured in the same run.

The workspace is made by `mems demo`'s generator (bot.demo) and bulk loader: 1,000 campaigns in every phase, 12 tasks
each, 60 days of metrics on 3 channels for the ones that ran; plus one campaign of 300 tasks and 365 days. Chat: the
real bus parses, reads and renders the card (`overview`); baseline: `roles` (a bus round trip that reads little).
Web: server time of a signed-in GET through the real app (TestClient, no network); baseline: `/healthz`.

    MEMS_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python -m bench.dashboard
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import text

from adapters.db.engine import make_engine, normalize_url
from adapters.db.migrate import upgrade
from bot.context import Context
from bot.demo import Generator, Size
from bot.demo_load import load
from bot.entry import bootstrap
from bot.entry.web import create_app
from bot.settings import Settings
from domain.people import Platform

ALICE = Context(Platform.CONSOLE, "local", "alice", "local", user_name="alice")


def schema_url(base: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return schema, normalize_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)


def big_campaign(container: bootstrap.Container) -> int:
    """One more campaign: 300 tasks and 365 days of metrics on 3 channels, through the same generator and loader."""
    with container.uow_factory() as uow:
        workspace = uow.workspaces.by_key(Platform.CONSOLE, "local")
        assert workspace is not None
        members = list(uow.members.all(workspace.pk))
    gen = Generator(workspace.pk, workspace.currency, workspace.tz, container.clock.now(), container.deps.policy, 99)
    bundle = gen.bundle(0, Size(tasks=300, days=365), members)
    c = bundle.campaign
    c.name, c.start, c.end = "Always-on brand", gen.today - timedelta(days=380), gen.today + timedelta(days=30)
    bundle.tasks = gen.tasks(c, 300, members)
    bundle.metrics = gen.metrics(c, Size(days=365), bundle.requests[0].amount.amount)
    assert container.bulk is not None
    container.bulk.bundles([bundle])
    return c.pk


def timed(run: Callable[[], object], rounds: int) -> list[float]:
    run()  # warm: caches, plans, the first connection
    found = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        found.append((time.perf_counter() - started) * 1000)
    return found


def line(name: str, ms: list[float]) -> str:
    p95 = statistics.quantiles(ms, n=20)[18]
    return f"{name:<48} p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    base = os.environ.get("MEMS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema, url = schema_url(base)
    try:
        upgrade(url)
        settings = Settings(_env_file=None, database_url=url, scheduler="off")  # type: ignore[call-arg]
        container = bootstrap.build(settings, console_out=io.StringIO())
        started = time.monotonic()
        assert container.bulk is not None
        done = load(container.uow_factory, container.bulk, container.bus, Size(campaigns=args.campaigns, people=200),
                    scan=False)
        big = big_campaign(container)
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
            rows = conn.execute(text("SELECT (SELECT count(*) FROM campaigns), (SELECT count(*) FROM tasks), "
                                     "(SELECT count(*) FROM daily_metrics)")).one()
        engine.dispose()
        print(f"loaded in {time.monotonic() - started:.1f} s: {rows[0]:,} campaigns, {rows[1]:,} tasks, "
              f"{rows[2]:,} metric rows ({done.counts['campaigns']:,} from the demo generator + C-{big})")
        bus = container.bus
        overview = bus.execute(ALICE, "overview")
        assert not overview.is_error, overview.text
        print("chat (the real bus, parser and presenter):")
        print(line("  baseline: roles", timed(lambda: bus.execute(ALICE, "roles"), args.rounds)))
        print(line(f"  overview ({args.campaigns + 1:,} campaigns, riskiest first)",
                   timed(lambda: bus.execute(ALICE, "overview"), args.rounds)))
        client = TestClient(create_app(container, run_workers=False))
        token = bus.execute(ALICE, "dashboard").card.sections[0].text.rsplit("/", 1)[1]
        assert client.get(f"/login/{token}", follow_redirects=False).status_code == 303
        print("web (server time of a signed-in GET, rendered by Jinja2):")
        print(line("  baseline: /healthz", timed(lambda: client.get("/healthz"), args.rounds)))
        print(line(f"  portfolio / ({args.campaigns + 1:,} campaigns)",
                   timed(lambda: client.get("/?scope=all"), args.rounds)))
        print(line(f"  campaign /campaigns/C-{big} (300 tasks, 365 days x 3)",
                   timed(lambda: client.get(f"/campaigns/C-{big}"), args.rounds)))
        size = len(client.get(f"/campaigns/C-{big}").content) // 1024
        print(f"  (portfolio page {len(client.get('/?scope=all').content) // 1024} KiB, campaign page {size} KiB)")
        client.close()
        container.close()
    finally:
        admin = make_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
