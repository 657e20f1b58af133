"""Whatever is typed, the parser answers with a Command or a ParseError, never with anything else."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.parsing import ParseError, parse
from bot.parsing.args import ALIASES
from bot.parsing.grammar import TABLE
from bot.parsing.values import Now
from domain.commands import Command
from tests.unit.parsing_context import CTX, NEW_YORK

VERBS = sorted({words for spec in TABLE for words in (spec.name, *spec.aliases)} | {"task", "任务", "role", "角色"})
KEYS = sorted({o.rstrip("*") + ("roi" if o.endswith("*") else "") for spec in TABLE for o in spec.options}
              | set(ALIASES) | {"kpi.ctr", "kpi.cpa", "kpi.foo", "foo", "key"})
VALUES = ["50k", "1.2m", "5万", "5w", "¥20000", "$1,250.50", "0", "0.001", "-1", "1" * 40, "1e5", "2026-12-05",
          "12-05", "02-29", "today", "Tue", "+3d", "+99999d", "+9999w", "周五", "2026-12-05T18:00", "0001-01-01T00:00",
          "9999-12-31T23:59", "22:00-08:00", "25:00-01:00", "off", "1:3", "1:inf", "2%", "inf%", "NaN", "zh", "fr",
          "Asia/Shanghai", "digest,anomaly", ",", "@li", "<@U1|li>", "", "=", '"', "“", "「x」"]
WORDS = ["C-1", "c12", "T-3", "A-2", "X-1", "C-99999999999999", "@li", "<@U123>", "<@U123|li.na>", "@_user_1",
         "<#C1|x>", "mine", "all", "active", "pending", "overdue", "我的", "全部", "manager", "财务", "boss",
         "2", "万", "CNY", "USD", "元", "k", "/mems", "@MEMS", "help", "=", "==", "a=b=c", "http://x.com?a=b",
         "\u3000", "\t", "\n", "\u00a0"]
QUOTES = [('"', '"'), ("“", "”"), ("「", "」"), ("『", "』")]

junk = st.text(max_size=12)
option = st.builds(lambda k, v: f"{k}={v}", st.sampled_from(KEYS), st.one_of(st.sampled_from(VALUES), junk))
quoted_option = st.builds(lambda k, q, v, closed: f"{k}={q[0]}{v}{q[1] if closed else ''}",
                          st.sampled_from(KEYS), st.sampled_from(QUOTES), junk, st.booleans())
phrase = st.builds(lambda q, v, closed: f"{q[0]}{v}{q[1] if closed else ''}", st.sampled_from(QUOTES), junk,
                   st.booleans())
word = st.one_of(st.sampled_from(WORDS), st.sampled_from(VALUES), option, quoted_option, phrase, junk)
near_valid = st.builds(lambda prefix, verb, words, sep: prefix + sep.join([verb, *words]),
                       st.sampled_from(["", "/mems ", "@MEMS ", "<@U0BOT> ", "/MEMS  "]), st.sampled_from(VERBS),
                       st.lists(word, max_size=8), st.sampled_from([" ", "  ", "\u3000", "\t"]))
contexts = st.sampled_from([CTX, Now(datetime(2026, 3, 8, 6, 59, tzinfo=UTC), NEW_YORK, "USD")])


def _parses_or_refuses(text: str, ctx: Now) -> None:
    try:
        result = parse(text, ctx)
    except ParseError as exc:
        assert isinstance(exc.key, str) and exc.key
        return
    assert isinstance(result, Command)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=10_000), contexts)
def test_any_text_gives_a_command_or_a_parse_error(text: str, ctx: Now) -> None:
    _parses_or_refuses(text, ctx)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_valid, contexts)
def test_near_valid_commands_give_a_command_or_a_parse_error(text: str, ctx: Now) -> None:
    _parses_or_refuses(text, ctx)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(word, min_size=200, max_size=600).map(" ".join), st.sampled_from(VERBS))
def test_long_lines_near_the_limit_are_handled(words: str, verb: str) -> None:
    _parses_or_refuses(f"{verb} {words}"[:4000], CTX)
