"""`mems demo`: fill a fresh database with a realistic workspace, so the dashboard shows a living portfolio at once."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from bot.demo import Size
from bot.demo_load import NotFresh, load
from bot.entry.cli.common import container_or_exit, log_to_stderr, settings_or_exit


def register(cli: typer.Typer) -> None:
    cli.command()(demo)


def demo(workspace: Annotated[str, typer.Option(help="The console workspace to fill (must have no campaigns).")]
         = "local",
         campaigns: Annotated[int, typer.Option(min=1, max=100_000)] = 12,
         people: Annotated[int, typer.Option(min=4, max=100_000)] = 8,
         tasks: Annotated[int, typer.Option(min=0, max=1000, help="Tasks per campaign.")] = 12,
         days: Annotated[int, typer.Option(min=1, max=3650, help="Days of metrics, up to yesterday.")] = 60,
         seed: Annotated[int, typer.Option(help="The same seed makes the same workspace.")] = 7) -> None:
    """Fill a fresh workspace with campaigns in every phase, tasks, approvals, metrics by channel and an anomaly."""
    settings = settings_or_exit()
    log_to_stderr("WARNING", settings.log_format)
    container = container_or_exit(settings)
    started = time.monotonic()
    try:
        if container.bulk is None:  # pragma: no cover - only test fakes have no database
            raise typer.Exit(2)
        loaded = load(container.uow_factory, container.bulk, container.bus,
                      Size(campaigns=campaigns, people=people, tasks=tasks, days=days), workspace, seed=seed)
    except NotFresh:
        typer.echo(f"The workspace {workspace!r} already has people or campaigns; `mems demo` fills only a fresh "
                   f"one (try --workspace demo, or a new MEMS_DATABASE_URL).", err=True)
        raise typer.Exit(1) from None
    finally:
        container.close()
    counts = ", ".join(f"{n:,} {what}" for what, n in loaded.counts.items())
    typer.echo(f"Workspace {workspace!r} filled in {time.monotonic() - started:.1f} s: {counts}; "
               f"anomaly scan: {loaded.scan.error or f'{loaded.scan.written} alert(s)'}.")
    typer.echo("Next: `mems serve`, then in another terminal `mems chat --as alice` (an admin and manager) "
               "and type `dashboard`; open the link it gives.")
