"""What every command starts with: the settings (or a clear exit), the wired parts, logging to stderr."""

from __future__ import annotations

import sys
from typing import Any

import typer

from bot import logs
from bot.entry import bootstrap
from bot.settings import Settings, SettingsError, load
from domain.errors import PolicyError, TemplateError


def settings_or_exit() -> Settings:
    try:
        return load()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


def container_or_exit(settings: Settings, **kwargs: Any) -> bootstrap.Container:
    try:
        return bootstrap.build(settings, **kwargs)
    except (PolicyError, TemplateError) as exc:
        typer.echo(f"Cannot start: {exc}", err=True)
        raise typer.Exit(2) from None
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


def log_to_stderr(level: str, fmt: str = "text") -> None:
    """Text lines, or one JSON object per line (MEMS_LOG_FORMAT=json), each with the request id it belongs to."""
    logs.configure(level, fmt, sys.stderr)
