"""No secret in any log line, at any level: every log record is cleaned as it is made, whoever logs it (slack_sdk at
DEBUG logs each response_url and the body it posts, a new API token included). Secrets are found by their form
(`mems_…` API tokens, Slack `xox…`/`xapp-…` tokens, Feishu access tokens, response_urls, bearer credentials,
sign-in links) and by value (every secret setting, the database's password). Untrusted text in a record's arguments
is escaped (a CR/LF cannot forge a log line) and cut to MAX_ARG characters."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr

from bot.settings import Settings
from domain.text import shown

SHAPES = re.compile("|".join((
    r"mems_[A-Za-z0-9_\-]{20,}",  # API tokens (`token create`: mems_ and 43 characters)
    r"xox[a-z]-[A-Za-z0-9\-]+", r"xapp-[A-Za-z0-9\-]+",  # Slack bot, user, refresh and app-level tokens
    r"\b[tau]-[A-Za-z0-9]{20,}",  # Feishu tenant, app and user access tokens
    r"https?://[^\s'\"<>]*(?:hooks\.slack\.com|/hooks/|/commands/|/actions/)[^\s'\"<>]*",  # Slack response_urls
    r"Bearer\s+[A-Za-z0-9._~+/=\-]{16,}",  # an Authorization header's credentials
    r"(?<=/login/)[^\s'\"<>?\\]+",  # the dashboard's sign-in link (`dashboard`): a password for minutes
)))
HIDDEN = "[redacted]"
MAX_ARG = 2000


class Redactor:
    """The secrets known by value (every container built in the process adds its settings') and the cleaning."""

    def __init__(self) -> None:
        self._values: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def learn(self, values: Iterable[str]) -> None:
        with self._lock:
            self._values = self._values | {v for v in values if len(v) >= 6}  # a short value would hide words

    def clean(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, HIDDEN)
        return SHAPES.sub(HIDDEN, text)

    def record(self, record: logging.LogRecord) -> None:
        """The record's message (and traceback) with no secret and its string arguments escaped and bounded."""
        try:
            if isinstance(record.args, tuple):
                record.args = tuple(_argument(a) for a in record.args)
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format: logging reports that itself
            return
        cleaned = self.clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.clean(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)


def _argument(value: Any) -> Any:
    return shown(value, MAX_ARG) if isinstance(value, str) else value


REDACTOR = Redactor()  # one per process, as the log record factory it backs
_installed = threading.Lock()


def secrets_of(settings: Settings) -> list[str]:
    """Every secret setting's value, and the passwords in the database and Redis URLs."""
    found = [getattr(settings, name).get_secret_value() for name in type(settings).model_fields
             if isinstance(getattr(settings, name), SecretStr)]
    found += [part.strip() for value in found if "," in value for part in value.split(",") if part.strip()]  # a list
    for url in (settings.database_url, getattr(settings, "redis_url", None) or ""):
        password = urlsplit(url).password if "://" in url else None
        if password:
            found.append(password)
    return found


def install(settings: Settings) -> None:
    """Clean every log record the process makes from now on (once per process), knowing `settings`' secrets."""
    REDACTOR.learn(secrets_of(settings))
    with _installed:
        factory = logging.getLogRecordFactory()
        if getattr(factory, "redacts", False):
            return

        def redacting(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = factory(*args, **kwargs)
            REDACTOR.record(record)
            return record

        redacting.redacts = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(redacting)
