"""`mems slack-manifest`: print the Slack app manifest for this server, ready to paste."""

from __future__ import annotations

import json
from typing import Annotated

import typer
import yaml

from adapters.slack.manifest import ManifestError, manifest
from bot.settings import Settings, SettingsError, load


def register(cli: typer.Typer) -> None:
    cli.command("slack-manifest")(slack_manifest)


def _command() -> str:
    try:
        settings: Settings = load()
    except SettingsError:
        return "/mems"
    return settings.slack_command


def slack_manifest(
    url: Annotated[str | None, typer.Option(help="The server's public base URL, e.g. https://mems.example.com")] = None,
    socket_mode: Annotated[bool, typer.Option("--socket-mode", help="No public URL: the server dials Slack.")] = False,
    command: Annotated[str | None, typer.Option(help="Slash command (default: MEMS_SLACK_COMMAND or /mems).")] = None,
    name: Annotated[str, typer.Option(help="The app's name in Slack.")] = "MEMS",
    yaml_out: Annotated[bool, typer.Option("--yaml", help="YAML instead of JSON.")] = False,
    distribute: Annotated[bool, typer.Option(
        "--distribute", help="Installed by many teams through OAuth (MEMS_SLACK_CLIENT_ID/SECRET).")] = False,
    token_rotation: Annotated[bool, typer.Option(
        "--token-rotation", help="With --distribute: bot tokens expire and MEMS refreshes them.")] = False,
) -> None:
    """Print a Slack app manifest: scopes, the slash command, interactivity and event URLs."""
    if not socket_mode and not url:
        typer.echo("Give --url https://YOUR-HOST (the address Slack can reach), or --socket-mode.", err=True)
        raise typer.Exit(2)
    try:
        found = manifest(command or _command(), url, name=name, socket_mode=socket_mode, distribute=distribute,
                         token_rotation=token_rotation)
    except ManifestError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if yaml_out:
        typer.echo(yaml.safe_dump(found, sort_keys=False, allow_unicode=True).rstrip())
    else:
        typer.echo(json.dumps(found, indent=2, ensure_ascii=False))
