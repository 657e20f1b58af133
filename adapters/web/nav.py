"""The dashboard's pages in its navigation bar, in order. A new page (the goal tree, an A/B test) is a router module of
its own (like routes_approvals.py), listed in adapters.web.ROUTERS, and one entry here naming its path and the
translation key of its label."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NavEntry:
    path: str
    label: str  # a translation key (bot.i18n)


NAV: tuple[NavEntry, ...] = (
    NavEntry("/", "web.nav.portfolio"),
    NavEntry("/approvals", "web.nav.approvals"),
    NavEntry("/goals", "web.nav.goals"),  # issue 13
)
