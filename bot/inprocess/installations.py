"""Installations in memory, for tests over fakes and a process without a database: one process only."""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime

from bot.ports import Installation
from domain.people import Platform


class MemoryInstallations:
    def __init__(self) -> None:
        self._found: dict[tuple[Platform, str], Installation] = {}
        self._states: dict[str, datetime] = {}
        self._values: dict[tuple[Platform, str], str] = {}
        self._lock = threading.Lock()

    def save(self, installation: Installation) -> None:
        with self._lock:
            self._found[(installation.platform, installation.workspace)] = dataclasses.replace(
                installation, revoked=None, revoked_at=None)

    def find(self, platform: Platform, workspace: str) -> Installation | None:
        return self._found.get((platform, workspace))

    def revoke(self, platform: Platform, workspace: str, reason: str, at: datetime) -> bool:
        with self._lock:
            found = self._found.get((platform, workspace))
            if found is None or found.revoked:
                return False
            self._found[(platform, workspace)] = dataclasses.replace(found, revoked=reason, revoked_at=at)
            return True

    def issue_state(self, state: str, expires_at: datetime) -> None:
        with self._lock:
            self._states[state] = expires_at

    def consume_state(self, state: str, now: datetime) -> bool:
        with self._lock:
            expires = self._states.pop(state, None)
            return expires is not None and expires > now

    def put_value(self, platform: Platform, name: str, value: str, at: datetime) -> None:
        with self._lock:
            self._values[(platform, name)] = value

    def get_value(self, platform: Platform, name: str) -> str | None:
        return self._values.get((platform, name))
