"""Logs: a request id that follows one request (a chat command, a REST call, a scan) through every line it logs, into
the outbox rows it writes and the delivery of those rows; and, with MEMS_LOG_FORMAT=json, one JSON object per line.
The id lives in a context variable: set where a request comes in (`bound`), read wherever a line is written."""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import traceback
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TextIO

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("mems_request_id", default=None)
GIVEN = re.compile(r"^[A-Za-z0-9._:-]{1,32}$")  # an inbound X-Request-ID is kept only when it looks like one
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ONE_LINE = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def new_id() -> str:
    return uuid.uuid4().hex[:16]


def current() -> str | None:
    return REQUEST_ID.get()


def accepted(given: str | None) -> str:
    """An inbound request's id (a proxy's X-Request-ID) when it is a plain token, else a new one."""
    return given if given and GIVEN.match(given) else new_id()


@contextlib.contextmanager
def bound(request_id: str | None) -> Iterator[str]:
    """Lines logged inside carry `request_id` (a new one when None)."""
    value = request_id or new_id()
    token = REQUEST_ID.set(value)
    try:
        yield value
    finally:
        REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, process, and the
    exception's type and traceback when there is one. Only what the log call itself says is written."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get(), "process": record.process}
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
            # record.exc_text when set: the traceback bot/redaction.py already cleaned of secrets
            line["traceback"] = record.exc_text or "".join(traceback.format_exception(*record.exc_info))
        text = json.dumps(line, ensure_ascii=False, default=str)
        return text.translate(ONE_LINE)  # separators some readers split lines on stay escaped


def configure(level: str, fmt: str, stream: TextIO) -> None:
    """The root logger, as logging.basicConfig does (nothing changes where a handler is set already, as under a test
    runner): one handler on `stream`, text or JSON, every record with its request id."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper())
