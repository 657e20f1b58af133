"""Alert commands: `mems tick` (every scan once, then deliver), `mems scheduler` (scans and delivery alone),
`mems outbox` (what waits, what gave up, and replaying one)."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from bot.entry import workers
from bot.entry.bootstrap import Container
from bot.entry.cli.common import container_or_exit, log_to_stderr, settings_or_exit
from domain.notifications import OutboxMessage

# Tokens that must never reach a terminal, even inside an error a platform sent back.
SECRET = re.compile(r"(xox[abprs]-[\w-]+|xapp-[\w-]+|[tu]-[\w.-]{20,}|Bearer\s+\S+)", re.IGNORECASE)


def register(cli: typer.Typer) -> None:
    cli.command()(tick)
    cli.command()(scheduler)
    cli.command()(outbox)


def parse_at(text: str | None, default_tz: str) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        typer.echo(f"--at: {text!r} is not an ISO-8601 moment, e.g. 2026-12-05T09:00+08:00", err=True)
        raise typer.Exit(2) from None
    return at if at.tzinfo else at.replace(tzinfo=ZoneInfo(default_tz))


def tick(at: Annotated[str | None, typer.Option(help="ISO-8601 moment to scan as of (default: now); "
                                                      "without an offset, in MEMS_TIMEZONE.")] = None) -> None:
    """Run every scheduled scan once as of that moment, then deliver what is due; running it twice sends
    nothing twice."""
    settings = settings_or_exit()
    log_to_stderr("WARNING", settings.log_format)
    moment = parse_at(at, settings.timezone)
    # The moment is for the scans only. Delivery runs on the real clock (leases, back-off and rate limits mean
    # real seconds, and other workers read them); alerts held until `moment` (quiet hours) count as due.
    container = container_or_exit(settings)
    container.delivery.due_by = moment
    try:
        results = workers.scan_all(container, moment)
        delivered = asyncio.run(_deliver_once(container))
        stats = container.delivery.stats
    finally:
        container.close()
    for result in results:
        typer.echo(f"{result.name}: " + (f"failed, {result.error}" if result.error else f"{result.written} new"))
    typer.echo(f"delivered {delivered} in {stats['messages']} message(s); retry later {stats['retry']}, "
               f"waiting for rate limits {stats['deferred']}, dead {stats['dead']}")
    raise typer.Exit(1 if any(r.error for r in results) else 0)


async def _deliver_once(container: Container) -> int:
    """One drain; Ctrl-C or SIGTERM stops it gracefully (what is in flight is recorded, the rest given back)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, container.delivery.stop)
    try:
        return await container.delivery.drain()
    finally:
        await asyncio.to_thread(container.delivery.leave)


def scheduler(metrics_port: Annotated[int | None, typer.Option(
                  min=1, max=65535, help="Serve GET /metrics (Prometheus) and /healthz on this port.")] = None,
              host: Annotated[str | None, typer.Option(help="Interface /metrics listens on (default: MEMS_HOST).")]
              = None) -> None:
    """The scheduler and the delivery worker alone (no web server)."""
    settings = settings_or_exit()
    if host is not None:
        settings = settings.model_copy(update={"host": host})
    log_to_stderr(settings.log_level, settings.log_format)
    container = container_or_exit(settings)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        runner = workers.start_scheduler(container)
        worker = workers.start_delivery(container)
        metrics = _serve_metrics(container, metrics_port) if metrics_port else None
        typer.echo("MEMS scheduler running (scans and delivery); Ctrl-C to stop.")
        await stop.wait()
        runner.shutdown()
        await workers.stop_delivery(container, worker)
        if metrics is not None:
            metrics[0].should_exit = True
            await metrics[1]
        typer.echo("MEMS scheduler stopped.")

    try:
        asyncio.run(main())
    finally:
        container.close()


def _serve_metrics(container: Container, port: int) -> tuple[Any, asyncio.Task[None]]:
    """GET /metrics beside the scans, on this loop."""
    import uvicorn  # only with --metrics-port

    from bot.entry.web import metrics_app

    settings = container.settings
    config = uvicorn.Config(metrics_app(container), host=settings.host, port=port, access_log=False,
                            log_level=settings.log_level.lower(),
                            log_config=None if settings.log_format == "json" else uvicorn.config.LOGGING_CONFIG)
    server = uvicorn.Server(config)  # on SIGTERM it stops first, then hands the signal on to ours
    return server, asyncio.create_task(server.serve())


def line(message: OutboxMessage) -> str:
    error = " ".join((message.last_error or "").split())
    error = SECRET.sub("[redacted]", error)
    if len(error) > 120:
        error = error[:117] + "..."
    return (f"{message.id:>6}  {message.kind:<18}  {message.target!s:<28}  attempts {message.attempts:<2}  "
            + (f"last error: {error}" if error else "no error yet"))


def _print(title: str, messages: Sequence[OutboxMessage]) -> None:
    typer.echo(f"{title}: {len(messages)}" + (" (showing the first 100)" if len(messages) >= 100 else ""))
    for message in messages:
        typer.echo(line(message))


def outbox(dead: Annotated[bool, typer.Option("--dead", help="Only the dead (given up) notifications.")] = False,
           replay: Annotated[int | None, typer.Option(help="Put this dead notification back in line.")] = None
           ) -> None:
    """Show undelivered and dead notifications; replay one."""
    settings = settings_or_exit()
    log_to_stderr("WARNING", settings.log_format)
    container = container_or_exit(settings)
    try:
        if replay is not None:
            if not container.outbox.replay(replay):
                typer.echo(f"No dead notification has id {replay}; `mems outbox --dead` lists them.", err=True)
                raise typer.Exit(1)
            typer.echo(f"Notification {replay} is back in line; it goes out with the next delivery.")
            return
        if not dead:
            _print("Pending", container.outbox.list_pending())
        _print("Dead", container.outbox.list_dead())
    finally:
        container.close()
    sys.stdout.flush()
