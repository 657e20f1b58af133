"""KPIs computed by hand: CTR, CVR, CPC, CPA, ROI; a zero denominator is None, never an error or infinity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.errors import InvalidInput
from domain.metrics import DailyMetric, Kpis, by_channel, by_day, cents, meets, totals

DAY = date(2027, 3, 2)


def row(day: date = DAY, channel: str = "douyin", **figures: object) -> DailyMetric:
    return DailyMetric(1, 1, day, channel, **figures)  # type: ignore[arg-type]


SPEC_DAY = Kpis(spend=Decimal("3200"), impressions=120_000, clicks=2_400, conversions=96, revenue=Decimal("15800"))


@pytest.mark.parametrize(("metric", "expected"), [
    ("ctr", Decimal("0.02")),  # 2,400 / 120,000
    ("cvr", Decimal("0.04")),  # 96 / 2,400
    ("cpc", Decimal("3200") / 2400),  # 1.3333...
    ("cpa", Decimal("33.33333333333333333333333333")),  # 3,200 / 96
    ("roi", Decimal("4.9375")),  # 15,800 / 3,200
])
def test_kpis_of_the_spec_example(metric: str, expected: Decimal) -> None:
    assert SPEC_DAY.value(metric) == expected


def test_cents_rounds_half_up() -> None:
    assert cents(Decimal("3200") / 2400) == Decimal("1.33")
    assert cents(Decimal("0.005")) == Decimal("0.01")


@pytest.mark.parametrize(("kpis", "none"), [
    (Kpis(), {"ctr", "cvr", "cpc", "cpa", "roi"}),
    (Kpis(spend=Decimal("100")), {"ctr", "cvr", "cpc", "cpa"}),
    (Kpis(impressions=1000), {"cvr", "cpc", "cpa", "roi"}),
    (Kpis(impressions=1000, clicks=10, spend=Decimal("5")), {"cpa"}),
])
def test_zero_denominators_are_none(kpis: Kpis, none: set[str]) -> None:
    assert {m for m in ("ctr", "cvr", "cpc", "cpa", "roi") if kpis.value(m) is None} == none


def test_zero_spend_with_revenue_has_no_roi() -> None:
    assert Kpis(revenue=Decimal("500")).roi is None


def test_totals_by_day_and_by_channel() -> None:
    rows = [row(spend=Decimal("100"), clicks=10, impressions=1000),
            row(channel="wechat", spend=Decimal("50"), clicks=5, impressions=100, conversions=1),
            row(day=date(2027, 3, 3), spend=Decimal("25.50"), revenue=Decimal("100"))]
    assert totals(rows) == Kpis(Decimal("175.50"), 1100, 15, 1, Decimal("100"))
    assert by_day(rows) == {DAY: Kpis(Decimal("150"), 1100, 15, 1, Decimal("0")),
                            date(2027, 3, 3): Kpis(Decimal("25.50"), 0, 0, 0, Decimal("100"))}
    assert list(by_channel(rows)) == ["douyin", "wechat"]
    assert by_channel(rows)["douyin"].spend == Decimal("125.50")
    assert totals([]) == Kpis()


@pytest.mark.parametrize(("metric", "actual", "target", "met"), [
    ("roi", "3", "3", True), ("roi", "2.99", "3", False), ("ctr", "0.021", "0.02", True),
    ("cvr", "0.01", "0.02", False), ("cpc", "1.5", "1.5", True), ("cpc", "1.51", "1.5", False),
    ("cpa", "20", "80", True),
])
def test_meets_knows_which_way_is_better(metric: str, actual: str, target: str, met: bool) -> None:
    assert meets(metric, Decimal(actual), Decimal(target)) is met


def test_meets_is_unknown_without_a_value() -> None:
    assert meets("roi", None, Decimal("3")) is None


def test_merged_replaces_only_the_given_figures() -> None:
    day = row(spend=Decimal("100"), clicks=10)
    merged = day.merged({"clicks": 12, "revenue": Decimal("300")})
    assert (merged.spend, merged.clicks, merged.revenue) == (Decimal("100"), 12, Decimal("300"))


@pytest.mark.parametrize(("figures", "field"), [
    ({"clicks": -1}, "clicks"), ({"impressions": 1.5}, "impressions"), ({"conversions": True}, "conversions"),
    ({"spend": Decimal("-1")}, "spend"), ({"revenue": 1.5}, "revenue"), ({"spend": Decimal("NaN")}, "spend"),
    ({"channel": "x" * 65}, "channel"),
])
def test_invalid_figures(figures: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        DailyMetric(1, 1, DAY, **figures)  # type: ignore[arg-type]
    assert caught.value.params["field"] == field


def test_merged_figures_are_checked_too() -> None:
    with pytest.raises(InvalidInput):
        row().merged({"clicks": -5})
