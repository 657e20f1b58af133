"""Core commands: `mems serve`, `mems chat`, `mems db upgrade`, and the shared start-up helpers."""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from bot.context import Context
from bot.entry import bootstrap
from bot.settings import Settings, SettingsError, load
from domain.errors import PolicyError, TemplateError
from domain.people import Platform

cli = typer.Typer(help="MEMS: run marketing campaigns from Slack, Feishu or this console.", no_args_is_help=True,
                  add_completion=False)
db = typer.Typer(help="Database maintenance.", no_args_is_help=True)
cli.add_typer(db, name="db")


def settings_or_exit() -> Settings:
    try:
        return load()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


def container_or_exit(settings: Settings, **kwargs: object) -> bootstrap.Container:
    try:
        return bootstrap.build(settings, **kwargs)  # type: ignore[arg-type]
    except (PolicyError, TemplateError) as exc:
        typer.echo(f"Cannot start: {exc}", err=True)
        raise typer.Exit(2) from None


def _logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


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
        f"  Try it without any chat account, in another terminal:  {program()} chat --as alice",
        "    (MEMS_ADMINS=console:alice makes alice an admin; type `help`)",
    ])


@cli.command()
def serve(host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000) -> None:
    """The web server: Slack and Feishu endpoints, the REST API, health; runs delivery in-process."""
    import uvicorn

    from bot.entry.web import create_app

    settings = settings_or_exit()
    _logging(settings.log_level)
    container = container_or_exit(settings)
    typer.echo(banner(settings, host, port))
    uvicorn.run(create_app(container), host=host, port=port, log_level=settings.log_level.lower())
    container.close()


@cli.command()
def chat(user: Annotated[str, typer.Option("--as", help="Who you are in the console workspace.")],
         workspace: Annotated[str, typer.Option(help="The console workspace.")] = "local",
         echo: Annotated[bool, typer.Option(help="Echo each command before its reply.")] = False) -> None:
    """The local console: one command per line; replies and notifications printed as text."""
    from adapters.console.repl import run

    settings = settings_or_exit()
    _logging("WARNING")
    container = container_or_exit(settings, console_out=sys.stdout)
    ctx = Context(platform=Platform.CONSOLE, workspace=workspace, user=user.lstrip("@"), channel=workspace,
                  user_name=user.lstrip("@"))
    try:
        code = run(container.bus.execute, container.delivery.drain, ctx, sys.stdin, sys.stdout,
                   interactive=sys.stdin.isatty(), echo=echo)
    finally:
        container.close()
    raise typer.Exit(code)


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations (Alembic) to MEMS_DATABASE_URL."""
    from adapters.db.migrate import upgrade

    settings = settings_or_exit()
    upgrade(settings.database_url)
    typer.echo("Database is up to date.")
