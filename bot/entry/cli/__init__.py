"""The `mems` command line. Each area registers its commands from its own module."""

from __future__ import annotations

from bot.entry.cli import alerts as _alerts  # noqa: F401  (tick, scheduler, outbox)
from bot.entry.cli import core as _core  # noqa: F401  (serve, chat, db upgrade)
from bot.entry.cli import metrics as _metrics  # noqa: F401  (import-metrics)
from bot.entry.cli import slack as _slack  # noqa: F401  (slack-manifest)
from bot.entry.cli.core import cli, db

__all__ = ["cli", "db", "main"]


def main() -> None:
    cli()
