"""Secrets at rest: the bot tokens and refresh tokens of installations (Slack OAuth, Feishu store apps) and the
values platforms push (Feishu's app_ticket) are stored sealed (Fernet: AES-128-CBC + HMAC-SHA256), so a copy of the
database, a backup or a read-only SQL account does not hand out every team's bot.

The key is derived (HKDF, a purpose of its own) from MEMS_TOKEN_KEYS when set, else from the app's own secret
(MEMS_SLACK_CLIENT_SECRET, MEMS_FEISHU_APP_SECRET): every replica has it and it is never stored beside the data.
The first key seals; every key opens (MultiFernet), so a rotated secret goes first with the old one after it until
every installation has been written again. A value stored before sealing (no prefix) is read as it is and sealed
by `SqlInstallations.seal_stored` at start-up."""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)
PREFIX = "sealed:v1:"
PURPOSE = b"mems stored tokens v1"


class Unreadable(Exception):
    """A sealed value none of the keys opens (the secret changed and the old one is not in MEMS_TOKEN_KEYS)."""


def _fernet(secret: str) -> Fernet:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(raw))


class Sealer:
    """Seals and opens stored secrets; with no key (one bot token, no installations) it stores them as they are."""

    def __init__(self, secrets: Sequence[str] = ()) -> None:
        keys = [_fernet(secret) for secret in secrets if secret]
        self._fernet = MultiFernet(keys) if keys else None

    @property
    def active(self) -> bool:
        return self._fernet is not None

    def seal(self, value: str | None) -> str | None:
        if value is None or self._fernet is None or value.startswith(PREFIX):
            return value
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        if value is None or not value.startswith(PREFIX):
            return value
        if self._fernet is None:
            raise Unreadable("a sealed value, and no key to open it")
        try:
            return self._fernet.decrypt(value[len(PREFIX):].encode()).decode()
        except InvalidToken:
            raise Unreadable("no key opens it") from None

    def needs_sealing(self, value: str | None) -> bool:
        return self._fernet is not None and value is not None and not value.startswith(PREFIX)
