"""The `mems` command line. Each area registers its own commands here, explicitly."""

from __future__ import annotations

import typer

from bot.entry.cli import alerts, core, demo, metrics, slack

__all__ = ["cli", "main"]

cli = typer.Typer(help="MEMS: run marketing campaigns from Slack, Feishu or this console.", no_args_is_help=True,
                  add_completion=False)
core.register(cli)  # serve, chat, db upgrade
alerts.register(cli)  # tick, scheduler, outbox
metrics.register(cli)  # import-metrics
slack.register(cli)  # slack-manifest
demo.register(cli)  # demo


def main() -> None:
    cli()
