"""Render a Card's Chart (daily series, e.g. spend and conversions) to a small PNG with matplotlib's Agg
backend. matplotlib draws axes, ticks and legends well, which Pillow would leave to us; its import (about
half a second) happens on the first chart, never at start-up or on a request that draws none."""

from __future__ import annotations

import io
from typing import Any

from bot.cards import Chart

WIDTH, HEIGHT, DPI = 800, 360, 100
COLOURS = ("#2563eb", "#16a34a", "#d97706", "#7c3aed")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # no display, thread-safe enough for one figure at a time per call
    import matplotlib.pyplot as plt

    return plt


def render_png(chart: Chart, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """One panel per series (they have different units), sharing the day axis."""
    plt = _pyplot()
    rows = max(len(chart.series), 1)
    figure, axes = plt.subplots(rows, 1, figsize=(width / DPI, height / DPI), dpi=DPI, sharex=True, squeeze=False)
    try:
        figure.suptitle(chart.title, fontsize=11)
        positions = list(range(len(chart.labels)))
        for n, (name, values) in enumerate(chart.series):
            ax = axes[n][0]
            ax.plot(positions, list(values), color=COLOURS[n % len(COLOURS)], marker="o", markersize=3, linewidth=1.5)
            ax.set_ylabel(name, fontsize=9)
            ax.grid(True, alpha=0.3)
            ax.tick_params(labelsize=8)
        step = max(1, len(positions) // 10)
        axes[-1][0].set_xticks(positions[::step], [chart.labels[i] for i in positions[::step]])
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
        return buffer.getvalue()
    finally:
        plt.close(figure)
