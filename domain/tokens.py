"""API tokens a workspace admin creates in chat: only a hash is kept; the token is shown once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from domain.stored import Stored

PREFIX = "mems_"


def digest(token: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is enough to keep them unreadable at rest."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(slots=True)
class ApiToken(Stored):
    workspace_id: int
    name: str
    token_hash: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None = None
    id: int | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None
