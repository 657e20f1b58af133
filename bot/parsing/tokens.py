"""Split a command line into words, honouring "…", “…” and 「…」 quotes and key="quoted value"."""

from __future__ import annotations

from dataclasses import dataclass

from bot.parsing.errors import ParseError

QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
SPACES = frozenset(" \t\r\n\u3000\u00a0")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    quoted: bool = False
    key: str | None = None  # set for key=value options

    @property
    def is_option(self) -> bool:
        return self.key is not None


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    close = QUOTES[text[start]]
    end = text.find(close, start + 1)
    if end < 0:
        raise ParseError("unterminated_quote", quote=text[start])
    return text[start + 1:end], end + 1


def _read_word(text: str, start: int) -> tuple[str, int]:
    end = start
    while end < len(text) and text[end] not in SPACES:
        end += 1
    return text[start:end], end


def _option_key(word: str) -> str | None:
    head, sep, _ = word.partition("=")
    if not sep or not head or head.startswith(("<", "@", "http")):
        return None
    return head if all(c.isalnum() or c in "._" for c in head) else None


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        if text[i] in SPACES:
            i += 1
            continue
        if text[i] in QUOTES:
            phrase, i = _read_quoted(text, i)
            tokens.append(Token(phrase, quoted=True))
            continue
        word, i = _read_word(text, i)
        key = _option_key(word)
        if key is not None:
            value = word[len(key) + 1:]
            if not value and i < len(text) and text[i] in QUOTES:
                value, i = _read_quoted(text, i)
            elif value and value[0] in QUOTES:
                # key="a b c": the quote began inside this word; re-read from it.
                start = i - len(word) + len(key) + 1
                value, i = _read_quoted(text, start)
            tokens.append(Token(value, quoted=True, key=key.lower()))
            continue
        tokens.append(Token(word))
    return tokens
