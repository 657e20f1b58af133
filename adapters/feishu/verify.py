"""lark-oapi's EventDispatcherHandler with what it lacks: a replay window on X-Lark-Request-Timestamp, a
constant-time signature compare, and an HTTP status per kind of rejection (lark answers every failure with a 500,
which Feishu then retries): bad token or signature → 401, a body that does not parse or decrypt → 400."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import lark_oapi as lark
from lark_oapi.event.custom import CustomizedEventProcessor

from domain.text import shown, storable

log = logging.getLogger(__name__)
REPLAY_WINDOW = 300.0  # seconds either side of now
# lark reads these case-sensitively from a plain dict; Starlette lower-cases header names.
CANONICAL = {"x-lark-request-timestamp": "X-Lark-Request-Timestamp", "x-lark-request-nonce": "X-Lark-Request-Nonce",
             "x-lark-signature": "X-Lark-Signature", "x-request-id": "X-Request-Id"}


# What MEMS reads from an event or a card callback (schema 2.0): each must be text when present, and an id short
# enough to store (a person's or a workspace's id is kept in 128 characters).
TEXTS: tuple[tuple[str, ...], ...] = tuple(tuple(p.split(".")) for p in (
    "header.event_id", "header.event_type", "header.tenant_key", "header.app_id", "header.token",
    "event.sender.sender_type", "event.sender.tenant_key", "event.sender.sender_id.open_id",
    "event.message.message_id", "event.message.root_id", "event.message.parent_id", "event.message.chat_id",
    "event.message.chat_type", "event.message.message_type", "event.message.content",
    "event.operator.open_id", "event.operator.tenant_key", "event.context.open_message_id",
    "event.context.open_chat_id"))
IDS = frozenset({"event_id", "tenant_key", "app_id", "open_id", "message_id", "root_id", "parent_id", "chat_id",
                 "open_message_id", "open_chat_id"})
MAX_ID = 128


class Rejected(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class _IgnoreUnknown(dict[str, Any]):
    """Event types we did not subscribe to are acknowledged and dropped, so Feishu does not retry them."""

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key) or CustomizedEventProcessor(lambda _: None)


class _SilenceLark(logging.Filter):
    """lark logs a traceback for every request it refuses; ours is one line without the payload."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("handle event failed")


class Dispatcher(lark.EventDispatcherHandler):  # type: ignore[misc]
    def __init__(self, now: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._now = now
        self._local = threading.local()  # do() runs in one worker thread per request

    @classmethod
    def build(cls, encrypt_key: str, verification_token: str, on_message: Callable[[Any], None],
              on_card: Callable[[Any], Any], now: Callable[[], float] = time.time,
              on_ticket: Callable[[Any], None] | None = None) -> Dispatcher:
        builder = (lark.EventDispatcherHandler.builder(encrypt_key, verification_token)
                   .register_p2_im_message_receive_v1(on_message)
                   .register_p2_card_action_trigger(on_card))
        if on_ticket is not None:  # a store app: Feishu pushes the app_ticket (a v1 event) about every hour
            builder = builder.register_p1_customized_event("app_ticket", on_ticket)
        built = builder.build()
        dispatcher = cls(now)
        dispatcher._encrypt_key, dispatcher._verification_token = encrypt_key, verification_token
        dispatcher._processorMap = _IgnoreUnknown(built._processorMap)
        dispatcher._callback_processor_map = built._callback_processor_map
        lark_logger = logging.getLogger("Lark")
        if not any(isinstance(f, _SilenceLark) for f in lark_logger.filters):
            lark_logger.addFilter(_SilenceLark())
        return dispatcher

    def answer(self, raw: lark.RawRequest) -> tuple[int, bytes]:
        """Run lark's dispatch; map its refusals to 401/400 and anything else it could not handle to 400."""
        self._local.rejected = None
        self._local.event = None
        resp = self.do(raw)
        if resp.status_code == 200:
            if resp.content.startswith(b'{"challenge":'):
                return self._challenge()
            return 200, resp.content
        rejected: Rejected | None = self._local.rejected
        status, reason = (rejected.status, rejected.reason) if rejected else (400, "not an event")
        log.warning("Feishu request refused (%d): %s; request id %s", status, reason,
                    shown(str(raw.headers.get("X-Request-Id", "-")), 64))  # the caller's: escaped, cut short
        return status, b'{"error":"%s"}' % reason.encode()

    def plain(self, payload: bytes) -> Any:
        """A message from the long connection (longconn.py): Feishu authenticated the connection, so it comes as
        plain JSON without a signature. lark's dispatch alone; the answer of a card callback, or None."""
        return self._do_without_validation(payload)

    def _reject(self, status: int, reason: str) -> Rejected:
        self._local.rejected = Rejected(status, reason)
        return self._local.rejected  # type: ignore[no-any-return]

    def _challenge(self) -> tuple[int, bytes]:
        """The url_verification handshake, echoed as JSON (lark formats it into a string as it is)."""
        event: dict[str, Any] = self._local.event or {}
        challenge = event.get("challenge")
        if not isinstance(challenge, str):
            log.warning("Feishu request refused (400): the challenge is not a string")
            return 400, b'{"error":"the challenge is not a string"}'
        return 200, json.dumps({"challenge": challenge}).encode()

    def _decrypt(self, content: bytes, encrypt_key: str | None) -> str:
        """The body, decrypted; a JSON object or nothing (`null`, a list, a number is not an event)."""
        try:
            plaintext = str(super()._decrypt(content, encrypt_key))
            event = json.loads(plaintext)
        except Exception:
            raise self._reject(400, "body does not parse or decrypt") from None
        if not isinstance(event, dict):
            raise self._reject(400, "body is not a JSON object")
        wrong = malformed(event)
        if wrong is not None:
            raise self._reject(400, f"{wrong} is not an id or text of the expected form")
        self._local.event = event
        return plaintext

    def _verify_token(self, token: Any, verification_token: str | None) -> None:
        try:
            super()._verify_token(token, verification_token)
        except Exception:
            raise self._reject(401, "invalid verification token") from None

    def _verify_sign(self, request: lark.RawRequest, encrypt_key: str | None) -> None:
        """Every event but the url_verification handshake: a fresh timestamp, then sha256(ts+nonce+key+body)."""
        timestamp = request.headers.get("X-Lark-Request-Timestamp")
        nonce = request.headers.get("X-Lark-Request-Nonce")
        signature = request.headers.get("X-Lark-Signature")
        if timestamp is None or not self._fresh(timestamp):  # signed or not, an event carries the time it was sent
            raise self._reject(401, "missing, stale or malformed request timestamp")
        if not encrypt_key:
            return  # MEMS_FEISHU_ALLOW_UNSIGNED: Feishu signs nothing; the token and the time are the only checks
        if timestamp is None or nonce is None or signature is None:
            raise self._reject(401, "missing signature headers")
        expected = hashlib.sha256((timestamp + nonce + encrypt_key).encode() + request.body).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            raise self._reject(401, "invalid signature")

    def _fresh(self, timestamp: str) -> bool:
        try:
            sent = float(timestamp)
        except ValueError:
            return False
        return abs(self._now() - sent) <= REPLAY_WINDOW


def malformed(event: dict[str, Any]) -> str | None:
    """The first field MEMS reads from an event or card callback that is not what Feishu sends (an object where an
    id goes, an id over 128 characters or holding a NUL), or None. Checked before lark builds the event, so a
    `tenant_key` given as an object is a 400 naming it, not a workspace keyed by a dict."""
    for path in TEXTS:
        node: Any = event
        for n, key in enumerate(path):
            if node is None:
                break
            if not isinstance(node, dict):
                return ".".join(path[:n])
            node = node.get(key)
        if node is not None and not _fits(path[-1], node):
            return ".".join(path)
    inner = event.get("event")
    message = inner.get("message") if isinstance(inner, dict) else None
    mentions = message.get("mentions") if isinstance(message, dict) else None
    if mentions is not None and not (isinstance(mentions, list) and all(_mention(m) for m in mentions)):
        return "event.message.mentions"
    return None


def _fits(key: str, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    return key not in IDS or (len(value) <= MAX_ID and storable(value))


def _mention(found: Any) -> bool:
    if not isinstance(found, dict) or not isinstance(found.get("id") or {}, dict):
        return False
    return all(v is None or _fits(k, v) for k, v in (("key", found.get("key")), ("name", found.get("name")),
                                                      ("open_id", (found.get("id") or {}).get("open_id"))))


def raw_request(path: str, body: bytes, headers: Any) -> lark.RawRequest:
    """A lark RawRequest from Starlette's pieces, with the header names lark expects."""
    raw = lark.RawRequest()
    raw.uri = path
    raw.body = body
    raw.headers = {CANONICAL.get(key.lower(), key): value for key, value in headers.items()}
    return raw
