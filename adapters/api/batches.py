"""Taking in a metrics batch without stalling the server: the route checks the caller's token first, then at most
MEMS_API_MAX_INGESTS (2) batches are read, parsed and stored at once (more are told to come back: 503 with
Retry-After), the body is read against its limit as it streams in, and the JSON is parsed and its rows checked in a
worker thread, so the event loop keeps answering /healthz and the chat platforms while a large batch is worked."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import msgspec
from starlette.requests import Request

from bot.ingest import MetricInput, RowError, parse_rows

MAX_BYTES = 8 * 1024 * 1024  # a 10,000-row batch is about 1.3 MB of JSON
MAX_ROWS = 50_000
MAX_INGESTS = 2  # batches worked at once (MEMS_API_MAX_INGESTS); each holds its body and rows and a core
RETRY_AFTER = "5"  # seconds
# A 5,000-row batch in a fifth of json's time, floats as exact decimals; what it refuses, json.loads then judges
# (it accepts NaN, lone surrogates and a UTF-16 body, which the rows' checks then name or refuse).
DECODER = msgspec.json.Decoder(float_hook=Decimal)


@dataclass(frozen=True, slots=True)
class Refused:
    status: int  # 400: not a batch at all; 413: too large; 422: `rows` is not a list of rows
    message: str


class Gate:
    """How many batches are being worked; `enter` says no, at once, when MAX_INGESTS are (the loop never waits)."""

    def __init__(self, limit: int = MAX_INGESTS) -> None:
        self.limit = limit
        self.running = 0

    def enter(self) -> bool:
        if self.running >= self.limit:
            return False
        self.running += 1
        return True

    def leave(self) -> None:
        self.running -= 1


def gate(request: Request) -> Gate:
    """The app's gate, set by the composition root with MEMS_API_MAX_INGESTS (else made on first use)."""
    found = getattr(request.app.state, "ingests", None)
    if not isinstance(found, Gate):
        found = request.app.state.ingests = Gate()
    return found


async def body(request: Request, limit: int = MAX_BYTES) -> bytes | Refused:
    """The body, read as it arrives and given up as soon as it passes `limit` (whatever Content-Length said)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return Refused(413, "body too large")
        chunks.append(chunk)
    return b"".join(chunks)


def rows(raw: bytes) -> tuple[list[MetricInput], list[RowError]] | Refused:
    """The batch's rows, each checked (run it in a worker thread: a 6 MB batch takes about half a second)."""
    try:
        data: Any = DECODER.decode(raw)
    except (msgspec.MsgspecError, RecursionError):
        return _checked(_loaded(raw))
    return _checked(data)


def _loaded(raw: bytes) -> Any:
    try:
        return json.loads(raw, parse_float=Decimal)  # money stays exact as written
    except (ValueError, UnicodeDecodeError):
        return Refused(400, "the body is not JSON")
    except RecursionError:  # json.loads recurses once per level: a body nested ~1,000 deep is not a batch
        return Refused(400, "the body's JSON is nested too deep")


def _checked(data: Any) -> tuple[list[MetricInput], list[RowError]] | Refused:
    if isinstance(data, Refused):
        return data
    found = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(found, list) or len(found) > MAX_ROWS:
        return Refused(422, f"must be a list of at most {MAX_ROWS} rows")
    return parse_rows(found)
