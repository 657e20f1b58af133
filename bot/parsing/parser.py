"""Match the verb against the command table, then let the row's builder read the rest."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.parsing import values
from bot.parsing.args import Args
from bot.parsing.errors import ParseError
from bot.parsing.grammar import GROUPS, TABLE, Spec
from bot.parsing.tokens import QUOTES, Token, tokenize
from bot.parsing.values import Now
from domain import refs
from domain.commands import Command, Help
from domain.errors import MemsError

MAX_LENGTH = 4000
ParseContext = Now


def _index() -> dict[tuple[str, ...], Spec]:
    index: dict[tuple[str, ...], Spec] = {}
    for spec in TABLE:
        for words in (spec.name, *spec.aliases):
            index[tuple(words.split())] = spec
    return index


INDEX = _index()


def lookup(words: list[str]) -> tuple[Spec, int] | None:
    """The table row named by the first one or two words, and how many words it used."""
    lowered = [w.lower() for w in words[:2]]
    if len(lowered) == 2 and tuple(lowered) in INDEX:
        return INDEX[tuple(lowered)], 2
    if lowered and (lowered[0],) in INDEX:
        return INDEX[(lowered[0],)], 1
    return None


def group_members(group: str) -> list[Spec]:
    return [spec for spec in TABLE if spec.name.startswith(group + " ")]


def _suggest(words: list[str]) -> str:
    """The closest verb: two words first (`tsak add` -> `task add`), else the first word alone."""
    lowered = [w.lower()[:40] for w in words[:2]]
    names = sorted({" ".join(k) for k in INDEX})
    close: list[str] = []
    if len(lowered) == 2:
        close = difflib.get_close_matches(" ".join(lowered), [n for n in names if " " in n], n=1, cutoff=0.75)
    return (close or difflib.get_close_matches(lowered[0], names, n=1, cutoff=0.6) or [""])[0]


def _unknown(words: list[str]) -> ParseError:
    first = words[0].lower()
    if first in GROUPS:
        members = group_members(GROUPS[first])
        return ParseError("unknown_subcommand", group=GROUPS[first],
                          choices=", ".join(s.name.split()[1] for s in members),
                          usage="\n".join(s.usage for s in members))
    return ParseError("unknown_command", word=words[0][:40], suggestion=_suggest(words))


def _is_bare(token: Token) -> bool:
    return not token.quoted and token.key is None


def _as_typed(token: Token) -> str:
    return f"{token.key}={token.text}" if token.key is not None else token.text


def _strip_prefix(tokens: list[Token]) -> list[Token]:
    """Drop what a surface may leave before the verb: the bot's own mention (`@MEMS`, `<@U0BOT>`), then `/mems`.

    No command starts with a mention, so a leading one can only be addressed to the bot.
    """
    if tokens and _is_bare(tokens[0]) and values.mention(tokens[0].text) is not None:
        tokens = tokens[1:]
    if tokens and _is_bare(tokens[0]) and tokens[0].text.lower() == "/mems":
        tokens = tokens[1:]
    return tokens


def _match(tokens: list[Token]) -> tuple[Spec, int] | None:
    words = [t.text for t in tokens[:2] if _is_bare(t)]
    return lookup(words) if words and _is_bare(tokens[0]) else None


# What a Chinese keyboard types for these: full-width digits and the marks options, amounts and dates use.
FULL_WIDTH = str.maketrans({**{chr(0xFF10 + n): str(n) for n in range(10)}, "＝": "=", "：": ":", "＋": "+",
                            "－": "-", "％": "%", "．": ".", "＠": "@", "＄": "$", "￥": "¥"})
VERB_WORDS = frozenset(word for key in INDEX for word in key)


def normalize(text: str) -> str:
    """Full-width `＝` `：` digits and signs read as their ASCII forms (`budget＝１０万` is `budget=10万`)."""
    return text.translate(FULL_WIDTH)


def _unglue(tokens: list[Token]) -> list[Token]:
    """An id glued to a verb (`报告C-5`, `任务 完成T-3`) is two words: the verb and the id."""
    for n, token in enumerate(tokens[:2]):
        if not _is_bare(token) or token.text.lower() in VERB_WORDS:
            continue
        for cut in range(1, len(token.text)):
            head, tail = token.text[:cut], token.text[cut:]
            if head.lower() in VERB_WORDS and refs.match(tail):
                return [*tokens[:n], Token(head), Token(tail), *tokens[n + 1:]]
        break
    return tokens


def _tokens(text: str) -> list[Token]:
    """The words after any prefix; an unclosed quote still shows the usage of the verb before it."""
    try:
        return _unglue(_strip_prefix(tokenize(text)))
    except ParseError as exc:
        head = text[:min((i for i in map(text.find, QUOTES) if i >= 0), default=len(text))]
        found = _match(_strip_prefix(tokenize(head)))
        raise (exc.with_usage(found[0].usage) if found else exc) from None


def parse(text: str, now: Now | None = None) -> Command:
    """Parse one command line. Raises ParseError (with the right form) and nothing else."""
    ctx = now or Now(datetime.now(ZoneInfo("UTC")), ZoneInfo("Asia/Shanghai"), "CNY")
    if len(text) > MAX_LENGTH:
        raise ParseError("too_long", limit=MAX_LENGTH)
    tokens = _tokens(normalize(text))
    if not tokens:
        return Help()
    found = _match(tokens)
    if found is None and len(tokens) == 1 and refs.match(tokens[0].text):
        found = INDEX[("show",)], 0  # a bare id, "C-12", shows it
    if found is None:
        raise _unknown([_as_typed(tokens[0]), *(t.text for t in tokens[1:2] if _is_bare(t))])
    spec, used = found
    try:
        return spec.build(Args(tokens[used:], ctx, spec.options))
    except ParseError as exc:
        raise exc.with_usage(spec.usage) from None
    except MemsError as exc:  # a value the domain refuses while building (e.g. a bad currency code)
        raise ParseError("invalid_value", usage=spec.usage, **exc.params) from None


def build(verb: str, words: Sequence[str], options: Mapping[str, str], now: Now) -> Command:
    """A command from a form's fields rather than a line of text: the same builder and checks as `parse`, with each
    field taken as it was typed (nothing to quote). Raises ParseError naming the field (`key`) when it can."""
    spec = INDEX[tuple(verb.split())]
    tokens = [Token(word, quoted=True) for word in words]
    tokens += [Token(value, quoted=True, key=key) for key, value in options.items()]
    try:
        return spec.build(Args(tokens, now, spec.options))
    except ParseError as exc:
        raise exc.with_usage(spec.usage) from None
    except MemsError as exc:
        raise ParseError("invalid_value", usage=spec.usage, **exc.params) from None
