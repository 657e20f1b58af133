"""Builders for the portfolio and the web dashboard: `overview [mine|active|all]`, `dashboard`."""

from __future__ import annotations

from bot.parsing.args import Args
from bot.parsing.builders import LIST_SCOPES
from domain import commands as c


def overview(a: Args) -> c.Command:
    scope = a.word(LIST_SCOPES, "scope") or "active"
    a.done()
    return c.Overview(scope)


def dashboard(a: Args) -> c.Command:
    a.done()
    return c.OpenDashboard()
