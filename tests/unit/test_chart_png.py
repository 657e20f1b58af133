"""The PNG chart renderer: the image decodes, has the size asked for, copes with one day, draws Chinese with a font
that has it, and is safe to call from several threads (the web route and Feishu uploads share it)."""

from __future__ import annotations

import io
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from adapters.charts.png import CJK, _tick, families, render_png
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


def test_chinese_labels_are_drawn_with_a_font_that_has_them() -> None:
    fonts = families()
    if len(fonts) < 2:
        pytest.skip("no CJK font installed here (the Docker image has fonts-wqy-microhei)")
    chart = Chart("每日花费与转化", ("11-01", "11-02"), (("花费", (1.0, 2.0)), ("转化", (3.0, 1.0))))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_png(chart)
    assert fonts[1] in CJK and not [w for w in caught if "missing from font" in str(w.message)]


def test_charts_drawn_from_several_threads_at_once_all_decode() -> None:
    with ThreadPoolExecutor(4) as pool:
        images = list(pool.map(render_png, [CHART] * 8))
    assert all(Image.open(io.BytesIO(data)).size == (800, 360) for data in images)


def test_large_values_read_in_full_on_the_axis() -> None:
    assert _tick(150000.0, None) == "150,000" and _tick(0.5, None) == "0.50" and _tick(3.0, None) == "3"
