"""Signing in to the web dashboard from chat: a one-use link (valid minutes) becomes a session (valid hours). Only
hashes of their tokens are stored, so a copy of the database opens nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.stored import Stored

LINK_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=8)


@dataclass(slots=True)
class LoginLink(Stored):
    workspace_id: int
    user_ref: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    id: int | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


@dataclass(slots=True)
class WebSession(Stored):
    """Who is signed in, in which workspace, until when; `csrf` is the token every form of the session carries."""

    workspace_id: int
    user_ref: str
    token_hash: str
    csrf: str
    created_at: datetime
    expires_at: datetime
    id: int | None = None

    def valid(self, now: datetime) -> bool:
        return now < self.expires_at
