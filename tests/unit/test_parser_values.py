"""Values inside commands: amounts exact to the cent with their currency, dates and due times in the right zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from bot.parsing import ParseError, parse, values
from domain import commands as c
from domain.people import QuietHours
from tests.unit.parsing_context import CTX, NEW_YORK, SHANGHAI, at, cny

# ---------------------------------------------------------------------------------------------------------------
# Amounts


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("50000", "50000.00", "CNY"),
    ("50,000", "50000.00", "CNY"),
    ("1,000,000.5", "1000000.50", "CNY"),
    ("50k", "50000.00", "CNY"),
    ("50K", "50000.00", "CNY"),
    ("1.2m", "1200000.00", "CNY"),
    ("1.2M", "1200000.00", "CNY"),
    ("5万", "50000.00", "CNY"),
    ("5w", "50000.00", "CNY"),
    ("30万", "300000.00", "CNY"),
    ("1.5万", "15000.00", "CNY"),
    ("1.2345万", "12345.00", "CNY"),
    ("5千", "5000.00", "CNY"),
    ("1亿", "100000000.00", "CNY"),
    ("¥20000", "20000.00", "CNY"),
    ("￥20000", "20000.00", "CNY"),
    ("$1,250.50", "1250.50", "USD"),
    ("$0.01", "0.01", "USD"),
    ("20000CNY", "20000.00", "CNY"),
    ("20000cny", "20000.00", "CNY"),
    ("20000RMB", "20000.00", "CNY"),
    ("20000元", "20000.00", "CNY"),
    ("100USD", "100.00", "USD"),
    ("USD100", "100.00", "USD"),
    ("¥2万", "20000.00", "CNY"),
    ("0.10", "0.10", "CNY"),
    ("10000000000000", "10000000000000.00", "CNY"),
])
def test_amount_is_exact_with_its_currency(text: str, amount: str, currency: str) -> None:
    money = values.amount(text, "CNY")
    assert isinstance(money.amount, Decimal)
    assert (str(money.amount), money.currency) == (amount, currency)


def test_amount_without_a_sign_takes_the_workspace_currency() -> None:
    assert values.amount("20000", "USD").currency == "USD"
    assert values.amount("¥20000", "USD").currency == "CNY"


@pytest.mark.parametrize(("words", "amount", "currency"), [
    ("20000 CNY", "20000.00", "CNY"),
    ("20000 cny", "20000.00", "CNY"),
    ("20000 元", "20000.00", "CNY"),
    ("1250.50 USD", "1250.50", "USD"),
    ("2 万", "20000.00", "CNY"),
    ("2 w", "20000.00", "CNY"),
    ("1.5 k", "1500.00", "CNY"),
    ("1.2345 万", "12345.00", "CNY"),
    ("2 万 CNY", "20000.00", "CNY"),
    ("30万", "300000.00", "CNY"),
])
def test_amount_may_be_two_or_three_words(words: str, amount: str, currency: str) -> None:
    command = parse(f"budget request C-1 {words} KOL fees", CTX)
    assert isinstance(command, c.RequestBudget)
    assert (str(command.amount.amount), command.amount.currency, command.reason) == (amount, currency, "KOL fees")


@pytest.mark.parametrize(("text", "key"), [
    ("abc", "bad_amount"),
    ("", "bad_amount"),
    ("¥", "bad_amount"),
    ("-5", "bad_amount"),
    ("1e5", "bad_amount"),
    ("50,00", "bad_amount"),
    ("5 万", "bad_amount"),  # one word with a space: only the parser joins words
    ("¥20000USD", "bad_amount"),  # two currencies that disagree
    ("100XYZ", "bad_currency"),
    ("0.001", "too_many_decimals"),
    ("1.234", "too_many_decimals"),
    ("0", "amount_not_positive"),
    ("0.00", "amount_not_positive"),
    ("0万", "amount_not_positive"),
    ("10000000000000.01", "amount_too_large"),
    ("99999999999999", "amount_too_large"),
    ("1" * 40, "amount_too_large"),
    ("1" * 29 + "万", "amount_too_large"),
])
def test_bad_amounts(text: str, key: str) -> None:
    with pytest.raises(ParseError) as caught:
        values.amount(text, "CNY")
    assert caught.value.key == key
    assert caught.value.params["value"] == text


def test_zero_is_an_amount_where_allowed() -> None:
    assert values.amount("0", "CNY", allow_zero=True) == cny("0")


def test_two_currencies_across_words_are_refused() -> None:
    with pytest.raises(ParseError) as caught:
        parse("budget request C-1 $100 CNY ads", CTX)
    assert caught.value.key == "bad_amount"


@pytest.mark.parametrize(("text", "expected"), [
    ("120000", 120000), ("12万", 120000), ("1,200", 1200), ("1.5k", 1500), ("0", 0),
])
def test_counts(text: str, expected: int) -> None:
    assert values.count(text) == expected


@pytest.mark.parametrize("text", ["1.5", "-1", "¥5", "5CNY", "abc", "1" * 40])
def test_bad_counts(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        values.count(text)
    assert caught.value.key == "bad_count"


# ---------------------------------------------------------------------------------------------------------------
# KPI targets and quiet hours


@pytest.mark.parametrize(("text", "percent", "expected"), [
    ("3", False, "3"), ("1:3", False, "3"), ("2.5", False, "2.5"),
    ("2%", True, "0.02"), ("0.02", True, "0.02"), ("2", True, "0.02"), ("1", True, "1"),
])
def test_kpi_targets(text: str, percent: bool, expected: str) -> None:
    assert values.ratio(text, percent) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "", "inf", "NaN", "-1", "1:x", "1:-3", "1:inf", "-2%", "inf%", "2%%",
                                  "1e999999"])
def test_bad_kpi_targets(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        values.ratio(text, percent_metric=True)
    assert caught.value.key == "bad_number"


@pytest.mark.parametrize(("text", "expected"), [
    ("22:00-08:00", QuietHours(time(22, 0), time(8, 0))),
    ("9:30-12:00", QuietHours(time(9, 30), time(12, 0))),
    ("off", None), ("OFF", None), ("none", None), ("关", None), ("关闭", None),
])
def test_quiet_hours(text: str, expected: QuietHours | None) -> None:
    assert values.quiet(text) == expected


# ---------------------------------------------------------------------------------------------------------------
# Days: CTX is Wednesday 2026-06-10, 12:00 in Shanghai


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-05", date(2026, 12, 5)),
    ("2027-01-31", date(2027, 1, 31)),
    ("12-05", date(2026, 12, 5)),  # later this year
    ("06-10", date(2026, 6, 10)),  # today is not past
    ("06-09", date(2027, 6, 9)),  # past: next year
    ("1-1", date(2027, 1, 1)),
    ("today", date(2026, 6, 10)),
    ("Today", date(2026, 6, 10)),
    ("tomorrow", date(2026, 6, 11)),
    ("TOMORROW", date(2026, 6, 11)),
    ("+0d", date(2026, 6, 10)),
    ("+3d", date(2026, 6, 13)),
    ("+2w", date(2026, 6, 24)),
    ("+3天", date(2026, 6, 13)),
    ("+1周", date(2026, 6, 17)),
    ("mon", date(2026, 6, 15)),
    ("tue", date(2026, 6, 16)),
    ("wed", date(2026, 6, 17)),  # the next one, never today
    ("thu", date(2026, 6, 11)),
    ("fri", date(2026, 6, 12)),
    ("sat", date(2026, 6, 13)),
    ("sun", date(2026, 6, 14)),
    ("Friday", date(2026, 6, 12)),
    ("今天", date(2026, 6, 10)),
    ("明天", date(2026, 6, 11)),
    ("后天", date(2026, 6, 12)),
    ("周一", date(2026, 6, 15)),
    ("周二", date(2026, 6, 16)),
    ("周三", date(2026, 6, 17)),
    ("周四", date(2026, 6, 11)),
    ("周五", date(2026, 6, 12)),
    ("周六", date(2026, 6, 13)),
    ("周日", date(2026, 6, 14)),
    ("星期五", date(2026, 6, 12)),
])
def test_days(text: str, expected: date) -> None:
    assert values.day(text, CTX) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "2026-12-5x", "someday", "+3x", "+99999d", "", "12/05",
                                  "32-01"])
def test_bad_days(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        values.day(text, CTX)
    assert caught.value.key == "bad_date"


def test_a_past_leap_day_without_a_year_is_a_bad_date_not_a_crash() -> None:
    after_leap_day = at(datetime(2028, 3, 1, 4, 0, tzinfo=UTC))
    with pytest.raises(ParseError):
        values.day("02-29", after_leap_day)


# ---------------------------------------------------------------------------------------------------------------
# Due times: a bare date means 18:00 in the workspace zone; the result is always UTC


def _is_utc(moment: datetime) -> bool:
    return moment.utcoffset() == timedelta(0)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-05", datetime(2026, 12, 5, 10, 0, tzinfo=UTC)),
    ("2026-12-05T18:00", datetime(2026, 12, 5, 10, 0, tzinfo=UTC)),
    ("2026-12-05T09:30", datetime(2026, 12, 5, 1, 30, tzinfo=UTC)),
    ("2026-12-05t09:30", datetime(2026, 12, 5, 1, 30, tzinfo=UTC)),
    ("2026-12-05 09:30", datetime(2026, 12, 5, 1, 30, tzinfo=UTC)),
    ("2026-12-05T00:00", datetime(2026, 12, 4, 16, 0, tzinfo=UTC)),  # midnight in Shanghai is the day before in UTC
    ("2026-12-05T07:59", datetime(2026, 12, 4, 23, 59, tzinfo=UTC)),
    ("2026-12-05T08:00", datetime(2026, 12, 5, 0, 0, tzinfo=UTC)),
    ("today", datetime(2026, 6, 10, 10, 0, tzinfo=UTC)),
    ("Today", datetime(2026, 6, 10, 10, 0, tzinfo=UTC)),
    ("Tomorrow", datetime(2026, 6, 11, 10, 0, tzinfo=UTC)),
    ("Tue", datetime(2026, 6, 16, 10, 0, tzinfo=UTC)),
    ("THU", datetime(2026, 6, 11, 10, 0, tzinfo=UTC)),
    ("+3d", datetime(2026, 6, 13, 10, 0, tzinfo=UTC)),
    ("明天", datetime(2026, 6, 11, 10, 0, tzinfo=UTC)),
    ("tomorrowT09:00", datetime(2026, 6, 11, 1, 0, tzinfo=UTC)),
])
def test_due_times_in_shanghai(text: str, expected: datetime) -> None:
    moment = values.moment(text, CTX)
    assert moment == expected and _is_utc(moment)


@pytest.mark.parametrize("text", ["2026-12-05T24:00", "2026-12-05T18:60", "2026-12-05T", "2026-12-05T6pm",
                                  "2026-12-05TT09:00", "T09:00", "0001-01-01T00:00"])
def test_bad_due_times(text: str) -> None:
    """Out of the clock or out of the calendar is a bad date, never an OverflowError."""
    with pytest.raises(ParseError) as caught:
        values.moment(text, CTX)
    assert caught.value.key == "bad_date"


def test_a_due_time_past_the_end_of_the_calendar_in_utc_is_a_bad_date() -> None:
    with pytest.raises(ParseError) as caught:
        values.moment("9999-12-31T23:59", at(datetime(2026, 6, 10, tzinfo=UTC), NEW_YORK))
    assert caught.value.key == "bad_date"


@pytest.mark.parametrize(("utc", "today"), [
    (datetime(2026, 6, 10, 15, 59, tzinfo=UTC), date(2026, 6, 10)),  # 23:59 in Shanghai
    (datetime(2026, 6, 10, 16, 0, tzinfo=UTC), date(2026, 6, 11)),  # 00:00 in Shanghai, still the 10th in UTC
    (datetime(2026, 6, 10, 23, 30, tzinfo=UTC), date(2026, 6, 11)),
])
def test_today_is_the_workspace_day_not_the_utc_day(utc: datetime, today: date) -> None:
    ctx = at(utc, SHANGHAI)
    assert values.day("today", ctx) == today
    assert values.day("tomorrow", ctx) == today + timedelta(days=1)
    assert values.moment("today", ctx) == datetime.combine(today, time(18), SHANGHAI)


def test_just_after_midnight_in_shanghai_12_05_is_read_against_the_local_date() -> None:
    ctx = at(datetime(2026, 12, 4, 16, 30, tzinfo=UTC))  # 00:30 on 12-05 in Shanghai, 12-04 in UTC
    assert values.day("12-04", ctx) == date(2027, 12, 4)
    assert values.day("12-05", ctx) == date(2026, 12, 5)


def test_new_york_evening_is_still_yesterday_in_utc_terms() -> None:
    ctx = at(datetime(2026, 6, 11, 3, 0, tzinfo=UTC), NEW_YORK)  # 23:00 on 06-10 in New York
    assert values.day("today", ctx) == date(2026, 6, 10)
    assert values.moment("today", ctx) == datetime(2026, 6, 10, 22, 0, tzinfo=UTC)  # 18:00 EDT


@pytest.mark.parametrize(("text", "expected"), [
    ("today", datetime(2026, 3, 7, 23, 0, tzinfo=UTC)),  # Saturday 18:00 EST (UTC-5)
    ("tomorrow", datetime(2026, 3, 8, 22, 0, tzinfo=UTC)),  # clocks went forward: 18:00 EDT (UTC-4)
    ("+1d", datetime(2026, 3, 8, 22, 0, tzinfo=UTC)),
    ("sun", datetime(2026, 3, 8, 22, 0, tzinfo=UTC)),
    ("mon", datetime(2026, 3, 9, 22, 0, tzinfo=UTC)),
    ("2026-03-08T01:00", datetime(2026, 3, 8, 6, 0, tzinfo=UTC)),
    ("2026-03-08T03:00", datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
    ("2026-10-31", datetime(2026, 10, 31, 22, 0, tzinfo=UTC)),  # EDT
    ("2026-11-01", datetime(2026, 11, 1, 23, 0, tzinfo=UTC)),  # clocks went back: EST
])
def test_new_york_across_daylight_saving(text: str, expected: datetime) -> None:
    ctx = at(datetime(2026, 3, 7, 17, 0, tzinfo=UTC), NEW_YORK)  # Saturday noon EST
    moment = values.moment(text, ctx)
    assert moment == expected and _is_utc(moment)


def test_a_due_option_uses_the_same_rule() -> None:
    command = parse("task add C-1 Book venue due=2026-12-05", at(datetime(2026, 6, 10, 4, 0, tzinfo=UTC), NEW_YORK))
    assert isinstance(command, c.AddTask)
    assert command.due == datetime(2026, 12, 5, 23, 0, tzinfo=UTC)  # 18:00 EST


# ---------------------------------------------------------------------------------------------------------------
# Ids and mentions


@pytest.mark.parametrize(("text", "expected"), [
    ("<@U123>", "U123"), ("<@U123|li.na>", "U123"), ("@li", "li"), ("@li.na", "li.na"), ("@_user_1", "_user_1"),
    ("@李娜", "李娜"), ("li", None), ("<@>", None), ("@", None), ("email@example.com", None), ("<#C1|general>", None),
])
def test_mentions(text: str, expected: str | None) -> None:
    assert values.mention(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("C-12", 12), ("C12", 12), ("c-12", 12), ("c12", 12), ("T-12", None),
                                                ("C-", None), ("C--1", None), ("CC-1", None)])
def test_campaign_ids(text: str, expected: int | None) -> None:
    from domain.refs import Kind

    assert values.ref(text, Kind.CAMPAIGN) == expected
