"""A Card's chart as text: sparklines where a surface shows no image, and the alt text where it shows one."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cards import Chart

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """One bar per value, scaled between the series' own low and high (a flat series stays at the bottom)."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(BARS[round((v - low) / span * (len(BARS) - 1))] for v in values)


def caption(chart: Chart) -> str:
    """The title and the days it covers: "Spend and conversions by day  11-01 → 11-30"."""
    span = f"{chart.labels[0]} → {chart.labels[-1]}" if chart.labels else ""
    return f"{chart.title}  {span}".strip()


def sparklines(chart: Chart) -> str:
    """Each series on its own line, names aligned (monospace), e.g. "Spend        ▁▃█▅"."""
    width = max((len(name) for name, _ in chart.series), default=0)
    return "\n".join(f"{name.ljust(width)}  {sparkline(values)}" for name, values in chart.series)


def alt_text(chart: Chart) -> str:
    """What the image shows, for screen readers and clients that do not load images: each series' range."""
    ranges = [f"{name} {_number(min(values))}–{_number(max(values))}" for name, values in chart.series if values]
    return f"{caption(chart)}: {'; '.join(ranges)}" if ranges else caption(chart)


def _number(value: float) -> str:
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
