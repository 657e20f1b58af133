"""`mems import-metrics FILE.csv`: bulk-load daily metrics with a progress bar, keep the good rows, list the
rejected ones by line with the reason, and exit 2 when any was rejected.

It runs as the operator (every workspace): whoever can run it already holds the database URL, so a
workspace scope would protect nothing; campaign ids are unique across the deployment, so C-12 is one
campaign wherever it is."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bot.context import Principal
from bot.entry.cli.common import container_or_exit, settings_or_exit
from bot.ingest import FIELDS, MetricInput, Rejected, RowError, parse_row
from domain.commands import IngestMetrics

CHUNK = 2000  # rows per transaction: a crash loses at most one chunk's worth of work, never half a row
REQUIRED = tuple(f for f in FIELDS if f not in ("channel", "variant"))


def register(cli: typer.Typer) -> None:
    cli.command("import-metrics")(import_metrics)


def read(path: Path, progress: Progress) -> tuple[list[MetricInput], list[RowError]]:
    good: list[MetricInput] = []
    bad: list[RowError] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        total = max(sum(1 for _ in handle) - 1, 0)
        handle.seek(0)
        reader = csv.DictReader(handle)
        missing = [f for f in REQUIRED if f not in (reader.fieldnames or [])]
        if missing:
            typer.echo(f"{path.name} has no column(s) {', '.join(missing)}; the header must be {','.join(FIELDS)}",
                       err=True)
            raise typer.Exit(2)
        task = progress.add_task("checking", total=total)
        for raw in reader:
            line = reader.line_num
            values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
            extra = raw.get(None)
            try:
                if extra:
                    raise Rejected("row", f"has {len(extra)} more cell(s) than the header")
                good.append(parse_row(line, values))
            except Rejected as exc:
                bad.append(RowError(line, exc.field, exc.message))
            progress.advance(task)
    return good, bad


def import_metrics(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                                        help="CSV: campaign,date,channel,spend,impressions,"
                                                             "clicks,conversions,revenue")]) -> None:
    """Bulk-load daily metrics from a CSV file; prints `N loaded, M rejected`."""
    settings = settings_or_exit()
    container = container_or_exit(settings)
    out = Console()
    loaded = 0
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=out,
                      transient=True) as progress:
            good, bad = read(file, progress)
            good.sort(key=lambda r: r.day)  # a day's history is stored before the day is judged
            task = progress.add_task("loading", total=len(good))
            for start in range(0, len(good), CHUNK):
                chunk = good[start:start + CHUNK]
                done = container.bus.handle_as(Principal(None, "import"),
                                               IngestMetrics(tuple(chunk), f"import:{file.name}", partial=True))
                loaded += done.stored
                bad += done.errors
                progress.advance(task, len(chunk))
    finally:
        container.close()
    for error in sorted(bad, key=lambda e: e.index):
        out.print(f"line {error.index}: {error.field} {error.message}", markup=False, highlight=False)
    out.print(f"{loaded} loaded, {len(bad)} rejected", markup=False, highlight=False)
    raise typer.Exit(2 if bad else 0)
