"""The one error the parser raises: what was wrong, and the right form."""

from __future__ import annotations

from typing import Any


class ParseError(Exception):
    def __init__(self, key: str, /, usage: str | None = None, **params: Any) -> None:
        # `key` is positional-only so that a parameter named `key` (the option at fault) can travel in **params.
        self.key = key
        self.usage = usage
        self.params = params
        super().__init__(f"{key}: {params}")

    def with_usage(self, usage: str) -> ParseError:
        if self.usage is None:
            self.usage = usage
        return self
