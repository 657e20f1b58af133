"""Values inside commands: amounts, dates, ids, mentions, percentages, times of day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation, localcontext
from zoneinfo import ZoneInfo

from bot.parsing.errors import ParseError
from domain import refs
from domain.money import Money
from domain.people import QuietHours

END_OF_DAY = time(18, 0)
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e13")
MAX_COUNT = Decimal("1e15")
MAX_PERSON = 128  # Slack's user ids are 11 characters, Feishu's open_ids 35
MAX_RATIO = Decimal("1e6")  # a KPI target beyond a million (ROI 1:1,000,000) is a typo
SIGNS = {"¥": "CNY", "￥": "CNY", "$": "USD", "€": "EUR", "£": "GBP"}
CODES = {"CNY": "CNY", "RMB": "CNY", "USD": "USD", "EUR": "EUR", "GBP": "GBP", "HKD": "HKD", "JPY": "JPY",
         "元": "CNY", "块": "CNY"}
MULTIPLIERS = {"k": 1000, "K": 1000, "千": 1000, "w": 10_000, "W": 10_000, "万": 10_000,
               "m": 1_000_000, "M": 1_000_000, "百万": 1_000_000, "亿": 100_000_000}
_AMOUNT = re.compile(
    r"^(?P<sign>[¥￥$€£])?(?P<pre>[A-Za-z]{3})?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<mult>百万|[kKwWmM千万亿])?(?P<post>[A-Za-z]{3}|元|块)?$"
)
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
            "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
            "周一": 0, "周二": 1, "周三": 2, "周四": 3, "周五": 4, "周六": 5, "周日": 6, "周天": 6,
            "星期一": 0, "星期二": 1, "星期三": 2, "星期四": 3, "星期五": 4, "星期六": 5, "星期日": 6, "星期天": 6}
RELATIVE = {"today": 0, "tomorrow": 1, "今天": 0, "明天": 1, "后天": 2}
_OFFSET = re.compile(r"^\+(\d{1,4})([dw天周])$")
_SHIFT = re.compile(r"^([+-]?)(\d{1,4})([dw天周])$")
_ISO = re.compile(r"^(?:(\d{4})-)?(\d{1,2})-(\d{1,2})$")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# The time is split off only where it looks like one, so `Tue`, `Today` and `THU` stay whole words.
_MOMENT = re.compile(r"^(?P<day>\S+?)(?:(?:[Tt]|\s+)(?P<clock>\d{1,2}:\d{2}))?$")
_MENTION = re.compile(r"^<@([A-Za-z0-9_.\-]+)(?:\|[^>]*)?>$")
_AT = re.compile(r"^@([\w.\-]{1,64})$")
_CHANNEL = re.compile(r"^<#([A-Za-z0-9_\-]+)(?:\|[^>]*)?>$")


@dataclass(frozen=True, slots=True)
class Now:
    """The moment and place a command is read in: relative dates and default currency depend on it."""

    at: datetime
    tz: ZoneInfo
    currency: str

    @property
    def today(self) -> date:
        return self.at.astimezone(self.tz).date()


def _number(match: re.Match[str]) -> Decimal:
    """The number with its multiplier applied, exactly: the default 28-digit context would round long inputs."""
    digits = match.group("num").replace(",", "")
    with localcontext() as ctx:
        ctx.prec = len(digits) + 10  # x10^8 at most adds 9 digits
        return Decimal(digits) * MULTIPLIERS.get(match.group("mult") or "", 1)


def _currency(match: re.Match[str], default: str, raw: str) -> str:
    found = [SIGNS.get(match.group("sign") or "")]
    for part in (match.group("pre"), match.group("post")):
        if part:
            code = CODES.get(part.upper()) or CODES.get(part)
            if code is None:
                raise ParseError("bad_currency", value=raw, allowed=", ".join(sorted(set(CODES.values()))))
            found.append(code)
    codes = {c for c in found if c}
    if len(codes) > 1:
        raise ParseError("bad_amount", value=raw)
    return codes.pop() if codes else default


def is_multiplier(word: str) -> bool:
    return word in MULTIPLIERS


def is_currency(word: str) -> bool:
    return word.upper() in CODES or word in CODES


def amount(text: str, default_currency: str, allow_zero: bool = False) -> Money:
    match = _AMOUNT.match(text.strip())
    if not match:
        raise ParseError("bad_amount", value=text)
    value = _number(match)
    if value > MAX_AMOUNT:  # first: quantize() cannot hold more than 28 digits
        raise ParseError("amount_too_large", value=text)
    if value != value.quantize(CENT):
        raise ParseError("too_many_decimals", value=text)
    if value == 0 and not allow_zero:
        raise ParseError("amount_not_positive", value=text)
    return Money(value.quantize(CENT), _currency(match, default_currency, text))


def count(text: str) -> int:
    match = _AMOUNT.match(text.strip())
    if not match or match.group("sign") or match.group("pre") or match.group("post"):
        raise ParseError("bad_count", value=text)
    value = _number(match)
    if value > MAX_COUNT or value != value.to_integral():
        raise ParseError("bad_count", value=text)
    return int(value)


def day(text: str, now: Now) -> date:
    word = text.strip().lower()
    today = now.today
    if word in RELATIVE:
        return today + timedelta(days=RELATIVE[word])
    if word in WEEKDAYS:
        ahead = (WEEKDAYS[word] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    offset = _OFFSET.match(word)
    if offset:
        n = int(offset.group(1))
        return today + timedelta(days=n * (7 if offset.group(2) in "w周" else 1))
    iso = _ISO.match(word)
    if not iso:
        raise ParseError("bad_date", value=text)
    try:
        year = int(iso.group(1)) if iso.group(1) else today.year
        found = date(year, int(iso.group(2)), int(iso.group(3)))
        if not iso.group(1) and found < today:
            found = date(year + 1, found.month, found.day)
    except ValueError as exc:
        raise ParseError("bad_date", value=text) from exc
    return found


def shift(text: str) -> int | None:
    """A shift in days (`+7d`, `-3d`, `+2w`, `+7天`), or None when the text is not one (it may be a date)."""
    found = _SHIFT.match(text.strip().lower())
    if not found:
        return None
    days = int(found.group(2)) * (7 if found.group(3) in "w周" else 1)
    return -days if found.group(1) == "-" else days


def moment(text: str, now: Now) -> datetime:
    """A due time: a date with an optional `THH:MM`; a bare date means 18:00 that day, workspace time."""
    found = _MOMENT.match(text.strip())
    if not found:
        raise ParseError("bad_date", value=text)
    when = END_OF_DAY
    if found.group("clock"):
        clock = _HHMM.match(found.group("clock"))
        if not clock:
            raise ParseError("bad_date", value=text)
        when = time(int(clock.group(1)), int(clock.group(2)))
    local = datetime.combine(day(found.group("day"), now), when, tzinfo=now.tz)
    try:
        return local.astimezone(UTC)
    except OverflowError as exc:  # 0001-01-01T00:00 east of UTC falls before the calendar begins
        raise ParseError("bad_date", value=text) from exc


def ref(text: str, kind: refs.Kind) -> int | None:
    found = refs.match(text)
    if found is None or found[0] is not kind:
        return None
    return found[1]


def mention(text: str) -> str | None:
    """The person a word mentions (`<@U0123>`, `<@ou_x|name>`, `@alice`), or None if it mentions no one."""
    for pattern in (_MENTION, _AT):
        match = pattern.match(text)
        if match and len(match.group(1)) > MAX_PERSON:  # a person's id is stored in 128 characters
            raise ParseError("long_mention", value=text[:40] + "…", limit=MAX_PERSON)
        if match:
            return match.group(1)
    return None


def channel(text: str) -> str | None:
    match = _CHANNEL.match(text)
    return match.group(1) if match else None


def ratio(text: str, percent_metric: bool) -> Decimal:
    """A KPI target: `3`, `1:3` (ROI), `2%` or `0.02` (CTR/CVR), or an amount (CPC/CPA)."""
    raw = text.strip()
    percent, one_to = raw.endswith("%"), raw.startswith("1:")
    try:
        value = Decimal(raw[:-1] if percent else raw[2:] if one_to else raw)
    except InvalidOperation as exc:
        raise ParseError("bad_number", value=text) from exc
    if not value.is_finite() or value < 0 or value > MAX_RATIO:  # every form is checked, `1:-3` and `inf%` too
        raise ParseError("bad_number", value=text)
    if percent or (percent_metric and not one_to and value > 1):
        return value / 100
    return value


def quiet(text: str) -> QuietHours | None:
    raw = text.strip().lower()
    if raw in ("off", "none", "关", "关闭"):
        return None
    start, sep, end = raw.partition("-")
    first, last = _HHMM.match(start), _HHMM.match(end)
    if not sep or not first or not last:
        raise ParseError("bad_quiet", value=text)
    return QuietHours(time(int(first.group(1)), int(first.group(2))), time(int(last.group(1)), int(last.group(2))))
