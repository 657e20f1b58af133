"""The PNG chart renderer: the image decodes, has the size asked for, and copes with one day or none."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from adapters.charts.png import render_png
from bot.cards import Chart

CHART = Chart(title="Spend and conversions by day", labels=tuple(f"11-{d:02d}" for d in range(1, 31)),
              series=(("Spend", tuple(1000.0 + d * 10 for d in range(30))),
                      ("Conversions", tuple(40.0 for _ in range(30)))))


@pytest.mark.parametrize(("chart", "size"), [
    (CHART, (800, 360)),
    (Chart("One day", ("11-01",), (("Spend", (5.0,)),)), (600, 300)),
])
def test_the_png_decodes_at_the_expected_size(chart: Chart, size: tuple[int, int]) -> None:
    data = render_png(chart, *size)
    assert data.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(data))
    image.verify()
    assert Image.open(io.BytesIO(data)).size == size
