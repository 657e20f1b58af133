"""Builders for the API token commands: token create, revoke and list."""

from __future__ import annotations

import re

from bot.parsing.args import Args
from bot.parsing.errors import ParseError
from domain import commands as c

_TOKEN_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")


def _token_name(a: Args, default: str | None) -> str:
    raw = a.rest()
    if not raw and default is not None:
        return default
    if not _TOKEN_NAME.match(raw):
        raise ParseError("bad_token_name", value=raw)
    return raw


def token_create(a: Args) -> c.Command:
    return c.CreateToken(_token_name(a, "api"))


def token_revoke(a: Args) -> c.Command:
    return c.RevokeToken(_token_name(a, None))


def token_list(a: Args) -> c.Command:
    a.done()
    return c.ListTokens()
