"""Workspaces, their members and roles, and personal settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import InvalidInput
from domain.stored import Stored


class Platform(StrEnum):
    CONSOLE = "console"
    SLACK = "slack"
    FEISHU = "feishu"


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    FINANCE = "finance"


LANGS = ("en", "zh")


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput("tz", "bad_timezone", value=name) from exc
    return name


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise InvalidInput("lang", "bad_lang", value=lang, allowed=LANGS)
    return lang


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: time
    end: time

    def holds(self, local: time) -> bool:
        """True inside the quiet window; the window may wrap midnight (22:00-08:00)."""
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class Away:
    """Out of office: until `until` (inclusive, on the member's own calendar) `delegate` covers their approvals."""

    delegate: str
    until: date

    def active(self, today: date) -> bool:
        return today <= self.until


@dataclass(slots=True)
class Workspace(Stored):
    platform: Platform
    external_id: str
    name: str
    timezone: str
    lang: str
    currency: str
    id: int | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(slots=True)
class Member:
    workspace_id: int
    user_ref: str
    display_name: str = ""
    roles: set[Role] = field(default_factory=set)
    timezone: str | None = None
    lang: str | None = None
    quiet: QuietHours | None = None
    joined_at: datetime | None = None
    away: Away | None = None

    def has(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    def grant(self, role: Role) -> bool:
        if role in self.roles:
            return False
        self.roles.add(role)
        return True

    def revoke(self, role: Role) -> bool:
        if role not in self.roles:
            return False
        self.roles.discard(role)
        return True

    def lang_in(self, workspace: Workspace) -> str:
        return self.lang or workspace.lang

    def tz_in(self, workspace: Workspace) -> ZoneInfo:
        return ZoneInfo(self.timezone) if self.timezone else workspace.tz

    def away_now(self, workspace: Workspace, now: datetime) -> Away | None:
        """Their out-of-office cover, if it holds today on their own calendar."""
        today = now.astimezone(self.tz_in(workspace)).date()
        return self.away if self.away is not None and self.away.active(today) else None
