"""Core commands: `mems serve`, `mems chat`, `mems db upgrade`."""

from __future__ import annotations

import os
import signal
import sys
from typing import Annotated, Any

import typer

from adapters.console import repl
from adapters.db import migrate
from bot.context import Context
from bot.entry.cli.common import container_or_exit, log_to_stderr, settings_or_exit
from bot.inbox import Role
from bot.settings import Settings
from domain.people import Platform


def register(cli: typer.Typer) -> None:
    cli.command()(serve)
    cli.command()(work)
    cli.command()(chat)
    db = typer.Typer(help="Database maintenance.", no_args_is_help=True)
    db.command("upgrade")(db_upgrade)
    cli.add_typer(db, name="db")


def program() -> str:
    """How this `mems` was invoked (e.g. `.venv/bin/mems`), so the hints can be pasted as they are."""
    invoked = sys.argv[0] if sys.argv else ""
    return invoked if invoked.endswith("/mems") else "mems"


def banner(settings: Settings, host: str, port: int) -> str:
    base = f"http://{host}:{port}"
    slack = "on" if settings.slack_enabled else "off (set MEMS_SLACK_BOT_TOKEN and MEMS_SLACK_SIGNING_SECRET)"
    feishu = "on" if settings.feishu_enabled else (
        "off (set MEMS_FEISHU_APP_ID, MEMS_FEISHU_APP_SECRET, MEMS_FEISHU_VERIFICATION_TOKEN, MEMS_FEISHU_ENCRYPT_KEY)")
    return "\n".join([
        f"MEMS is serving on {base}  (database: {settings.database_url.split('@')[-1]})",
        f"  Slack   {slack}: Request URL (slash command, interactivity, events) -> https://<public-host>/slack/events",
        "          create the app in one paste: mems slack-manifest --url https://<public-host>"
        "  (no public host? Socket Mode: set MEMS_SLACK_APP_TOKEN)",
        f"  Feishu  {feishu}: " + ("events and card callbacks over Feishu's long connection (no public address)"
                                   if settings.feishu_mode == "ws" else
                                   "event and card callback URL -> https://<public-host>/feishu/events"),
        f"  Health  {base}/healthz   Readiness {base}/readyz   API docs {base}/docs",
        f"  Dashboard {base}/  (sign in: type `dashboard` in chat; its links point at {settings.dashboard_url})",
        f"  Try it without any chat account, in another terminal:  {program()} chat --as alice",
        "    (MEMS_ADMINS=console:alice makes alice an admin; type `help`)",
    ])


def serve(host: Annotated[str | None, typer.Option(help="Interface to listen on (default: MEMS_HOST).")] = None,
          port: Annotated[int | None, typer.Option(help="Port to listen on (default: MEMS_PORT).")] = None,
          workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (uvicorn workers), one per "
                                               "core; the scanner and Socket Mode run in one of them.")] = 1,
          command_workers: Annotated[int | None, typer.Option(
              min=0, max=64, help="Processes that run chat commands beside the web processes, which then only "
              "acknowledge (default: as many as --workers on PostgreSQL, 0 on SQLite: the web process runs them)."
          )] = None) -> None:
    """The web server: Slack and Feishu endpoints, the REST API, the dashboard, health; runs delivery in-process."""
    # The web stack (FastAPI, uvicorn: ~0.3 s to import) loads for the server only, not for every `mems` command.
    from bot.entry.web import create_app

    settings = settings_or_exit()
    if host is not None or port is not None:  # the dashboard's links point where this server listens
        settings = settings.model_copy(update={"host": host or settings.host, "port": port or settings.port})
    log_to_stderr(settings.log_level, settings.log_format)
    split = command_workers_for(settings, workers, command_workers)
    if workers > 1 or split or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir()  # before any metric is made: each process writes its own files there
    container = container_or_exit(settings, role=Role.ACK if split else Role.BOTH)  # checks the settings, once
    typer.echo(banner(settings, settings.host, settings.port))
    children = command_workers_started(split)
    try:
        if workers > 1:
            container.close()
            serve_workers(settings, workers, split)
            return
        try:
            serve_one(settings, create_app(container, run_workers=False if split else None))
        finally:
            container.close()
    finally:
        if children is not None:
            children.stop()


def command_workers_for(settings: Settings, workers: int, asked: int | None) -> int:
    """How many command workers `mems serve` starts: on PostgreSQL the web processes only acknowledge (their
    notifications wake the workers); on SQLite one process does everything, unless asked otherwise."""
    if asked is not None:
        return asked
    return 0 if settings.database_url.startswith("sqlite") else workers


def command_workers_started(count: int) -> Any:
    if not count:
        return None
    from bot.entry.command_workers import Children

    return Children(count).start()


def serve_one(settings: Settings, app: Any) -> None:
    import uvicorn

    # uvicorn stops gracefully on SIGTERM / Ctrl-C (requests in flight answered, then the delivery worker finishes
    # or gives back what it claimed) and then raises the signal again for whatever handler was there before. With
    # ours there, a stop that went well ends with exit status 0 rather than death by signal.
    stopped: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda number, _frame: stopped.append(number))
    # X-Forwarded-Proto is read by the dashboard itself, and only when MEMS_TRUST_PROXY says so.
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level.lower(),
                proxy_headers=False, **uvicorn_logging(settings))
    if stopped:
        typer.echo("MEMS stopped.")


def work() -> None:
    """A command worker: runs the chat commands that `mems serve`'s web processes keep in the inbox (PostgreSQL),
    delivers the outbox, and scans where it holds the scanner's lease. `mems serve` starts its own; run more on
    other hosts to add cores."""
    import asyncio

    from bot.entry import command_workers

    command_workers.die_with_parent()
    settings = settings_or_exit()
    log_to_stderr(settings.log_level, settings.log_format)
    container = container_or_exit(settings, role=Role.WORK)
    try:
        asyncio.run(command_workers.run(container))
    finally:
        container.close()


WORKER_APP = "bot.entry.cli.core:worker_app"
SPLIT = "MEMS_SERVE_SPLIT"  # set by `mems serve` for its web workers: command workers run beside them


def uvicorn_logging(settings: Settings) -> dict[str, Any]:
    """JSON logs: uvicorn's own lines (start-up, access) go through the root logger's JSON handler too."""
    return {"log_config": None} if settings.log_format == "json" else {}


def serve_workers(settings: Settings, workers: int, split: int = 0) -> None:
    """Several uvicorn worker processes on one socket, each with its own parts (connections, delivery loop,
    inbox). The scanner and Slack's Socket Mode run where their lease is held (in Redis, else in the database);
    delivery and the inbox run in every worker, kept safe by their own leases. uvicorn's supervisor restarts a
    worker that dies and stops them all gracefully on SIGTERM / Ctrl-C."""
    import uvicorn

    os.environ.update(MEMS_HOST=settings.host, MEMS_PORT=str(settings.port))  # what each worker reads its settings from
    os.environ[SPLIT] = "1" if split else ""
    uvicorn.run(WORKER_APP, factory=True, workers=workers, host=settings.host, port=settings.port,
                log_level=settings.log_level.lower(), proxy_headers=False, **uvicorn_logging(settings))
    typer.echo("MEMS stopped.")


def metrics_dir() -> str:
    """Where the workers write their metrics for any of them to add up at a scrape (prometheus-client's multiprocess
    mode): PROMETHEUS_MULTIPROC_DIR as given (emptied of a previous run's files), else a new temporary directory."""
    import tempfile
    from pathlib import Path

    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not given:
        given = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="mems-metrics-")
    Path(given).mkdir(parents=True, exist_ok=True)
    for stale in Path(given).glob("*.db"):
        stale.unlink()
    return given


def worker_app() -> Any:
    """One worker's app (uvicorn calls this in each worker process): its own settings, logging and parts."""
    from bot.entry.web import create_app

    settings = settings_or_exit()
    log_to_stderr(settings.log_level, settings.log_format)
    if os.environ.get(SPLIT):  # command workers run the commands, delivery and the scheduler
        return create_app(container_or_exit(settings, role=Role.ACK), run_workers=False, close=True)
    return create_app(container_or_exit(settings), close=True)


def chat(user: Annotated[str, typer.Option("--as", help="Who you are in the console workspace.")],
         workspace: Annotated[str, typer.Option(help="The console workspace.")] = "local",
         echo: Annotated[bool, typer.Option(help="Echo each command before its reply.")] = False) -> None:
    """The local console: one command per line; replies and notifications printed as text."""
    settings = settings_or_exit()
    log_to_stderr("WARNING", settings.log_format)
    container = container_or_exit(settings, console_out=sys.stdout)
    ctx = Context(platform=Platform.CONSOLE, workspace=workspace, user=user.lstrip("@"), channel=workspace,
                  user_name=user.lstrip("@"))
    try:
        code = repl.run(container.bus.execute, container.delivery.drain, ctx, sys.stdin, sys.stdout,
                   interactive=sys.stdin.isatty(), echo=echo)
    finally:
        container.close()
    raise typer.Exit(code)


def db_upgrade() -> None:
    """Apply database migrations (Alembic) to MEMS_DATABASE_URL."""
    settings = settings_or_exit()
    migrate.upgrade(settings.database_url)
    typer.echo("Database is up to date.")
