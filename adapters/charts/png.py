"""Render a Card's Chart (daily series, e.g. spend and conversions) to a small PNG with matplotlib's Agg
backend. matplotlib draws axes, ticks and legends well, which Pillow would leave to us; its import (about
half a second) happens on the first chart (or in the background at start-up when Slack fetches chart images),
never on a request that draws none."""

from __future__ import annotations

import functools
import io
import logging
import threading
import warnings
from typing import Any

from bot.cards import Chart

log = logging.getLogger(__name__)
WIDTH, HEIGHT, DPI = 800, 360, 100
COLOURS = ("#2563eb", "#16a34a", "#d97706", "#7c3aed")
LATIN = "DejaVu Sans"  # shipped with matplotlib
# Fonts with Chinese glyphs, best first; the Docker image installs WenQuanYi Micro Hei (fonts-wqy-microhei).
CJK = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback",
       "Microsoft YaHei", "PingFang SC", "Heiti SC", "SimHei")
# matplotlib's fonts (FT2Font) are shared and not thread-safe; a chart takes ~70 ms, so one at a time is plenty.
_LOCK = threading.Lock()


@functools.cache
def families() -> tuple[str, ...]:
    """Latin first, then the first installed CJK font as the fallback for the glyphs Latin lacks."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    cjk = next((name for name in CJK if name in installed), None)
    if cjk is None:
        log.warning("no font with Chinese glyphs found: Chinese text in chart images will show as boxes "
                    "(install fonts-wqy-microhei or fonts-noto-cjk)")
        # Without one, matplotlib warns once per missing glyph on every chart; the line above says it once.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
        return (LATIN,)
    return (LATIN, cjk)


def _tick(value: float, _: Any) -> str:
    """Thousands separated, no scientific offset: ¥150,000 reads as 150,000, not 1.5 with 1e5 in a corner."""
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.2f}"


def _figure(width: int, height: int, rows: int) -> tuple[Any, Any]:
    # The Figure API, not pyplot: no global figure registry to leak into from a web server's threads.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    return figure, figure.subplots(rows, 1, sharex=True, squeeze=False)


def render_png(chart: Chart, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """One panel per series (they have different units), sharing the day axis."""
    with _LOCK:
        fonts = list(families())
        figure, axes = _figure(width, height, max(len(chart.series), 1))
        figure.suptitle(chart.title, fontsize=11, fontfamily=fonts)
        positions = list(range(len(chart.labels)))
        for n, (name, values) in enumerate(chart.series):
            ax = axes[n][0]
            ax.plot(positions, list(values), color=COLOURS[n % len(COLOURS)], marker="o", markersize=3, linewidth=1.5)
            ax.set_ylabel(name, fontsize=9, fontfamily=fonts)
            ax.grid(True, alpha=0.3)
            ax.tick_params(labelsize=8)
            ax.yaxis.set_major_formatter(_tick)
        step = max(1, len(positions) // 10)
        axes[-1][0].set_xticks(positions[::step], [chart.labels[i] for i in positions[::step]])
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
        return buffer.getvalue()


class PngCharts:
    """The ChartImages port (bot.ports) over render_png."""

    def png(self, chart: Chart) -> bytes:
        return render_png(chart)
