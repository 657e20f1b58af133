"""Core commands: `mems serve`, `mems chat`, `mems db upgrade`."""

from __future__ import annotations

import signal
import sys
from typing import Annotated

import typer

from adapters.console import repl
from adapters.db import migrate
from bot.context import Context
from bot.entry.cli.common import container_or_exit, log_to_stderr, settings_or_exit
from bot.settings import Settings
from domain.people import Platform


def register(cli: typer.Typer) -> None:
    cli.command()(serve)
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
        f"  Feishu  {feishu}: event and card callback URL -> https://<public-host>/feishu/events",
        f"  Health  {base}/healthz   Readiness {base}/readyz   API docs {base}/docs",
        f"  Dashboard {base}/  (sign in: type `dashboard` in chat; its links point at {settings.dashboard_url})",
        f"  Try it without any chat account, in another terminal:  {program()} chat --as alice",
        "    (MEMS_ADMINS=console:alice makes alice an admin; type `help`)",
    ])


def serve(host: Annotated[str | None, typer.Option(help="Interface to listen on (default: MEMS_HOST).")] = None,
          port: Annotated[int | None, typer.Option(help="Port to listen on (default: MEMS_PORT).")] = None) -> None:
    """The web server: Slack and Feishu endpoints, the REST API, the dashboard, health; runs delivery in-process."""
    # The web stack (FastAPI, uvicorn: ~0.3 s to import) loads for the server only, not for every `mems` command.
    import uvicorn

    from bot.entry.web import create_app

    settings = settings_or_exit()
    if host is not None or port is not None:  # the dashboard's links point where this server listens
        settings = settings.model_copy(update={"host": host or settings.host, "port": port or settings.port})
    log_to_stderr(settings.log_level)
    container = container_or_exit(settings)
    typer.echo(banner(settings, settings.host, settings.port))
    # uvicorn stops gracefully on SIGTERM / Ctrl-C (requests in flight answered, then the delivery worker finishes
    # or gives back what it claimed) and then raises the signal again for whatever handler was there before. With
    # ours there, a stop that went well ends with exit status 0 rather than death by signal.
    stopped: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda number, _frame: stopped.append(number))
    try:
        # X-Forwarded-Proto is read by the dashboard itself, and only when MEMS_TRUST_PROXY says so.
        uvicorn.run(create_app(container), host=settings.host, port=settings.port,
                    log_level=settings.log_level.lower(), proxy_headers=False)
    finally:
        container.close()
    if stopped:
        typer.echo("MEMS stopped.")


def chat(user: Annotated[str, typer.Option("--as", help="Who you are in the console workspace.")],
         workspace: Annotated[str, typer.Option(help="The console workspace.")] = "local",
         echo: Annotated[bool, typer.Option(help="Echo each command before its reply.")] = False) -> None:
    """The local console: one command per line; replies and notifications printed as text."""
    settings = settings_or_exit()
    log_to_stderr("WARNING")
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
