"""bench/forecast.py runs, and on campaigns with a known trend the forecast beats "same as last week"."""

from __future__ import annotations

import pytest

from bench import forecast as bench


def test_on_synthetic_campaigns_the_forecast_beats_the_naive_rule() -> None:
    cases = [(c[:28], c[28:]) for c in bench.synthetic(120)]
    results = bench.score(cases)
    assert results["mems"].mae < 0.85 * results["same as last week"].mae


def test_the_bench_prints_both_tables_side_by_side(capsys: pytest.CaptureFixture[str]) -> None:
    if not (bench.DEFAULT_DATA / "data" / "realAdExchange").is_dir():
        pytest.skip("the NAB data set is not here")
    bench.main(["--campaigns", "30"])
    out = capsys.readouterr().out
    assert "NAB realAdExchange" in out and "synthetic campaigns" in out and out.count("same as last week") == 2
