"""The words after a verb: positional tokens consumed in order, and key=value options."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from bot.parsing import values
from bot.parsing.errors import ParseError
from bot.parsing.tokens import Token
from domain import refs
from domain.money import Money

T = TypeVar("T")
ALIASES = {"预算": "budget", "开始": "start", "结束": "end", "发布": "launch", "上线": "launch", "模板": "template",
           "负责人": "owner", "截止": "due", "日期": "date", "渠道": "channel", "花费": "spend", "消耗": "spend",
           "曝光": "impressions", "展现": "impressions", "点击": "clicks", "转化": "conversions",
           "收入": "revenue", "提醒": "alerts", "时区": "tz", "语言": "lang", "免打扰": "quiet",
           # the approval desk
           "金额": "amount", "原因": "reason", "事由": "reason", "附件": "attach", "加签": "add", "代理": "delegate",
           "代理人": "delegate", "直到": "until", "至": "until",
           # goals, A/B tests and retrospectives
           "周期": "period", "上级": "parent", "线索": "leads", "版本": "variant", "胜出": "winner",
           # editing
           "平移": "by", "顺延": "by", "名称": "name", "标题": "title"}


class Args:
    def __init__(self, tokens: list[Token], now: values.Now, accepted: tuple[str, ...]) -> None:
        self.now = now
        self.positional = [t for t in tokens if not t.is_option]
        self.options: dict[str, str] = {}
        for token in tokens:
            if token.key is None:
                continue
            key = ALIASES.get(token.key, token.key)
            if not _accepts(accepted, key):
                raise ParseError("unknown_option", key=token.key,
                                 accepted=", ".join(f"{k}=" for k in accepted) or "-")
            if key in self.options:
                raise ParseError("duplicate_option", key=key)
            self.options[key] = token.text

    # --- positional -------------------------------------------------------------------------------
    def peek(self) -> Token | None:
        return self.positional[0] if self.positional else None

    def ref(self, kind: refs.Kind, what: str) -> int:
        token = self.peek()
        number = values.ref(token.text, kind) if token else None  # a quoted "C-1" is still C-1
        if number is None:
            raise ParseError("expected_id", what=what, kind=kind.value, got=token.text if token else "")
        self.positional.pop(0)
        return number

    def optional_ref(self, kind: refs.Kind) -> int | None:
        token = self.peek()
        if token and values.ref(token.text, kind) is not None:
            return self.ref(kind, "")
        return None

    def amount(self) -> Money:
        """An amount, which may run over three words: `2 万 CNY`. They are joined and read once, so
        `1.2345 万` is 12,345 and `$100 CNY` (two currencies) is refused."""
        token = self.peek()
        if token is None:
            raise ParseError("expected_amount")
        words = [self.positional.pop(0).text]
        for belongs in (values.is_multiplier, values.is_currency):
            following = self.peek()
            if following and not following.quoted and belongs(following.text):
                words.append(self.positional.pop(0).text)
        return values.amount("".join(words), self.now.currency)

    def word(self, choices: dict[str, T], what: str) -> T | None:
        token = self.peek()
        if token is None or token.quoted:
            return None
        choice = choices.get(token.text.lower())
        if choice is not None:
            self.positional.pop(0)
        return choice

    def take_mentions(self) -> list[str]:
        found: list[str] = []
        for token in list(self.positional):
            user = None if token.quoted else values.mention(token.text)
            if user is not None:
                found.append(user)
                self.positional.remove(token)
        return found

    def mention(self, what: str) -> str:
        users = self.take_mentions()
        if len(users) != 1:
            raise ParseError("expected_mention" if not users else "too_many_mentions", what=what)
        return users[0]

    def rest(self) -> str:
        text = " ".join(t.text for t in self.positional).strip()
        self.positional = []
        return text

    def done(self) -> None:
        if self.positional:
            raise ParseError("unexpected_words", words=" ".join(t.text for t in self.positional))

    # --- options ----------------------------------------------------------------------------------
    def opt(self, key: str, convert: Callable[[str], T]) -> T | None:
        raw = self.options.get(key)
        if raw is None:
            return None
        try:
            return convert(raw)
        except ParseError as exc:
            exc.params.setdefault("key", key)
            raise

    def opt_day(self, key: str) -> date | None:
        return self.opt(key, lambda raw: values.day(raw, self.now))

    def opt_moment(self, key: str) -> datetime | None:
        return self.opt(key, lambda raw: values.moment(raw, self.now))

    def prefixed(self, prefix: str) -> dict[str, str]:
        return {k[len(prefix):]: v for k, v in self.options.items() if k.startswith(prefix)}


def _accepts(accepted: tuple[str, ...], key: str) -> bool:
    return key in accepted or any(a.endswith("*") and key.startswith(a[:-1]) and len(key) > len(a) - 1
                                  for a in accepted)
