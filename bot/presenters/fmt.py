"""Small formatting helpers shared by the presenters: money, dates, ratios, mentions, and text people typed.

A mention in a card is `<@member id>`, which every surface turns into a native mention that notifies the person.
Only `mention()` makes one, from a member id MEMS resolved. Text a person typed (a campaign name, a task title, a
reason, a note, a channel name) goes through `user_text()`, so `<@U123>`, `<@all>` or `<!channel>` in it is shown
as typed and notifies nobody."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from bot.i18n import tr
from domain.money import Money

NA = {"en": "n/a", "zh": "无"}
# After every "<" of typed text: invisible, and no surface reads "<\u2060@…>" or "<\u2060at …>" as markup.
WORD_JOINER = "\u2060"
WEEKDAY = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
           "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日")}


def na(lang: str) -> str:
    return NA.get(lang, "n/a")


def money(value: Money | None, lang: str = "en") -> str:
    return value.format() if value is not None else na(lang)


def amount(value: Decimal | None, currency: str, lang: str = "en") -> str:
    return Money(value, currency).format() if value is not None else na(lang)


def mention(user: str | None, lang: str = "en") -> str:
    """A real mention of a member (it notifies them); `user` is a member id MEMS resolved, never typed text."""
    return f"<@{user}>" if user else tr(lang, "label.unassigned")


def user_text(text: str) -> str:
    """Text a person typed, made inert: it reads the same on every surface but can never mention anyone."""
    return text.replace("<", "<" + WORD_JOINER)


def named(ref: str, name: str) -> str:
    """An entity with the name a person gave it: `C-1 春节营销`, `T-3 Book venue`."""
    return f"{ref} {user_text(name)}"


def day(value: date | None, lang: str = "en") -> str:
    if value is None:
        return na(lang)
    return f"{value:%Y-%m-%d} {WEEKDAY.get(lang, WEEKDAY['en'])[value.weekday()]}"


def moment(value: datetime | None, tz: ZoneInfo, lang: str = "en") -> str:
    if value is None:
        return na(lang)
    local = value.astimezone(tz)
    return f"{day(local.date(), lang)} {local:%H:%M}"


def percent(value: Decimal | None, lang: str = "en", places: str = "0.01") -> str:
    if value is None:
        return na(lang)
    return f"{(value * 100).quantize(Decimal(places), rounding=ROUND_HALF_UP)}%"


def roi(value: Decimal | None, lang: str = "en") -> str:
    """ROI the way marketers write it: revenue per unit of spend, `1:4.80`."""
    if value is None:
        return na(lang)
    return f"1:{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"


def number(value: int) -> str:
    return f"{value:,}"


def kpi(metric: str, value: Decimal | None, currency: str, lang: str) -> str:
    if metric == "roi":
        return roi(value, lang)
    if metric in ("ctr", "cvr"):
        return percent(value, lang)
    return amount(value, currency, lang)


def enum(lang: str, family: str, value: str) -> str:
    """A status or role name in the reader's language, e.g. status.active → 进行中."""
    key = f"{family}.{value}"
    text = tr(lang, key)
    return value if text == key else text
