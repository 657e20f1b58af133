"""Feishu's long connection (MEMS_FEISHU_MODE=ws): events and card callbacks arrive over lark-oapi's WebSocket
client, so MEMS needs no public address, the way Socket Mode works for Slack. The same dispatcher and listeners as
over HTTP answer them (and de-duplicate them); only the transport differs. Feishu authenticates the connection when
it opens (app id and secret), then pushes plaintext: there is nothing to decrypt or verify per message.

lark's client (lark_oapi/ws/client.py) is changed in three ways (`_Client`): it drops `card` frames without an
answer (the click then fails in the user's client after 3 s), so they are dispatched like `event` frames; it runs
the (synchronous) handler on its event loop, where a slow click would hold up pings and every other message, so the
handler runs in a worker thread; and it logs every payload (debug) and the connection URL, whose ticket is a
credential, so its logger says warnings only and tickets are hidden. It schedules its tasks on a module-level loop
grabbed at import and fetches its endpoint with blocking `requests`: it runs in a thread and an event loop of its
own (`_RunningLoop` points lark at it), never on the web server's. That fetch sets no timeout, so an endpoint that
accepts and never answers would hold the thread (and a clean stop) for ever: `_TimedRequests` gives it one. These
reach into lark's private parts, so pyproject.toml keeps lark-oapi below 1.8 until they are checked again.

With several workers or replicas only the process holding `lease` connects (it renews it while it runs; another
takes over within a lease's life when it stops). Feishu itself delivers each message to one of an app's
connections, so a moment with two (at a hand-over) is harmless, and de-duplication covers a redelivery."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import lark_oapi as lark
import requests
from lark_oapi.core.json import JSON
from lark_oapi.ws import client as lark_ws
from lark_oapi.ws.exception import ClientException
from lark_oapi.ws.model import Response
from lark_oapi.ws.pb.pbbp2_pb2 import Frame

from bot.ports import ScanLock

log = logging.getLogger(__name__)
RENEW_SECONDS = 10.0  # the lease is taken or renewed this often; a lost lease closes the connection
REFUSED_RETRY_SECONDS = 60.0  # Feishu refused the app (wrong id or secret, too many connections): ask again after
HANDLERS = 32  # messages handled at once (a click waits for its work at most 2 s; the inbox's queue does the rest)
HANDLED = ("event", "card")  # a card callback comes as an `event` frame (card.action.trigger); `card` frames too
ENDPOINT_TIMEOUT_SECONDS = 10.0  # asking Feishu for the connection's address (connect and read, each)
Dispatch = Callable[[bytes], Any]  # a message's JSON → the answer to send back (a card callback's), or None


class _HideTickets(logging.Filter):
    """The connection URL's ticket and access key are credentials; lark logs the URL, websockets its request line
    (at debug level)."""

    SECRET = re.compile(r"((?:ticket|access_key)=)[^&\s]+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "ticket=" in message or "access_key=" in message:
            record.msg, record.args = self.SECRET.sub(r"\1***", message), None
        return True


def _hide_tickets() -> None:
    for name in ("Lark", "websockets.client"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _HideTickets) for f in logger.filters):
            logger.addFilter(_HideTickets())


class _RunningLoop:
    """Stands in for lark's module-level `loop`, on which its client schedules its receive loop and each message:
    whichever loop is running in the calling thread (lark's own grabs one at import, oapi-sdk-python#119, #133)."""

    def create_task(self, coroutine: Any) -> asyncio.Task[Any]:
        return asyncio.get_running_loop().create_task(coroutine)


class _TimedRequests:
    """Stands in for the `requests` module in lark's client, which posts for its endpoint with no timeout."""

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", ENDPOINT_TIMEOUT_SECONDS)
        return requests.post(url, **kwargs)


def _header(frame: Frame, key: str) -> str:
    return next((h.value for h in frame.headers if h.key == key), "")


class _Client(lark_ws.Client):  # type: ignore[misc]
    """lark's WebSocket client answering every data frame from a worker thread."""

    def __init__(self, app_id: str, app_secret: str, domain: str, dispatch: Dispatch) -> None:
        super().__init__(app_id, app_secret, log_level=lark.LogLevel.WARNING, domain=domain)
        self._dispatch = dispatch
        self.on_refused: Callable[[ClientException], None] = lambda _: None

    async def _reconnect(self) -> None:
        """lark's reconnect, which lets a refusal escape from its receive loop's task where no one would see it."""
        try:
            await super()._reconnect()
        except ClientException as exc:
            self.on_refused(exc)

    async def _handle_data_frame(self, frame: Frame) -> None:
        kind, message_id = _header(frame, "type"), _header(frame, "message_id")
        payload: bytes | None = frame.payload
        parts = int(_header(frame, "sum") or 1)
        if parts > 1:  # a long message comes in parts; answer once the last one is in
            payload = self._combine(message_id, parts, int(_header(frame, "seq") or 0), payload)
        if payload is None or kind not in HANDLED:
            return
        started = time.monotonic()
        answer = Response(code=200)
        try:
            result = await asyncio.to_thread(self._dispatch, payload)
            if result is not None:
                answer.data = base64.b64encode(JSON.marshal(result).encode())
        except Exception as exc:  # Feishu re-pushes an event answered 500; a click shows its own error
            log.warning("Feishu long connection: a %s message was not handled (%s)", kind, type(exc).__name__)
            answer = Response(code=500)
        frame.headers.add(key="biz_rt", value=str(int((time.monotonic() - started) * 1000)))
        frame.payload = JSON.marshal(answer).encode()
        await self._write_message(frame.SerializeToString())


class LongConnection:
    """The client in a thread of its own, connected while this process holds `lease` (always, without one)."""

    def __init__(self, app_id: str, app_secret: str, domain: str, dispatch: Dispatch,
                 lease: ScanLock | None = None, renew_seconds: float = RENEW_SECONDS) -> None:
        self._credentials = (app_id, app_secret, domain.rstrip("/"))
        self._dispatch = dispatch
        self.lease = lease
        self.renew_seconds = renew_seconds
        self._thread = threading.Thread(target=self._run, name="feishu-long-connection", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._started = threading.Event()
        self._client: _Client | None = None
        self._tasks: list[asyncio.Task[None]] = []  # the ping loop, a reconnect (the loop keeps only weak references)
        self._not_before = 0.0
        self._refused_at = 0.0  # Feishu refused the app: close the client, ask again after REFUSED_RETRY_SECONDS
        self._main: asyncio.Task[Any] | None = None

    @property
    def connected(self) -> bool:
        return self._client is not None and self._client._conn is not None

    def start(self) -> None:
        _hide_tickets()
        self._thread.start()
        self._started.wait(5.0)

    def stop(self, timeout: float = 10.0) -> None:
        """Close the connection and give the lease back (blocking; call it from a worker thread)."""
        if self._loop is not None and self._stopping is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop is already gone
                self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("Feishu long connection: still closing after %.0f s", timeout)

    # -- the thread ---------------------------------------------------------------------------------------------
    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        # Each message is handled in one of these; a click may wait there up to 2 s for its work.
        loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(HANDLERS, "feishu-long-connection"))
        lark_ws.loop = _RunningLoop()  # lark schedules its tasks on this module-level variable
        lark_ws.requests = _TimedRequests()  # and fetches its endpoint through this one
        self._loop = loop
        try:
            loop.run_until_complete(self._hold())
        except Exception:
            log.exception("Feishu long connection stopped")
        finally:
            for task in asyncio.all_tasks(loop):
                task.cancel()
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    async def _hold(self) -> None:
        """Connect while the lease is held; check it every `renew_seconds` until stopped."""
        self._stopping = asyncio.Event()
        self._main = asyncio.current_task()
        self._started.set()
        try:
            while not self._stopping.is_set():
                leading = True if self.lease is None else await asyncio.to_thread(self.lease.hold)
                if self._client is not None and not leading:
                    log.info("Feishu long connection: another process holds it now; closing ours")
                if self._client is not None and (not leading or self._refused_at):
                    await self._close()
                if leading and self._client is None and time.monotonic() >= self._not_before:
                    await self._open()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.renew_seconds)
        finally:
            await self._close()
            if self.lease is not None:
                await asyncio.to_thread(self.lease.release)

    async def _open(self) -> None:
        """As lark's own start(): connect; if Feishu cannot be reached now, keep trying in the background."""
        app_id, secret, domain = self._credentials
        client = _Client(app_id, secret, domain, self._dispatch)
        client.on_reconnecting = lambda: log.warning("Feishu long connection lost; reconnecting")
        client.on_reconnected = lambda: log.info("Feishu long connection: reconnected")
        client.on_refused = self._refused  # closed by _hold at its next check
        self._client = client
        try:
            await client._connect()
            log.info("Feishu long connection: connected")
        except ClientException as exc:
            self._refused(exc)
            await self._close()
            return
        except Exception as exc:
            log.warning("Feishu long connection: cannot connect now (%s); retrying", type(exc).__name__)
            await client._disconnect()
            self._tasks.append(asyncio.create_task(client._reconnect()))
        self._tasks.append(asyncio.create_task(client._ping_loop()))

    def _refused(self, exc: ClientException) -> None:
        log.error("Feishu refused the long connection (code %s: %s); check MEMS_FEISHU_APP_ID and "
                  "MEMS_FEISHU_APP_SECRET, and that the app uses long connection; asking again in %.0f s",
                  exc.code, exc.args[0] if exc.args else "", REFUSED_RETRY_SECONDS)
        self._refused_at = time.monotonic()
        self._not_before = self._refused_at + REFUSED_RETRY_SECONDS

    async def _close(self) -> None:
        """Stop lark's own tasks (its receive loop would reconnect) and ours, then close the socket."""
        client, self._client = self._client, None
        if client is None:
            return
        client._auto_reconnect = False
        self._refused_at = 0.0
        keep = {asyncio.current_task(), self._main}
        for task in asyncio.all_tasks():
            if task not in keep:
                task.cancel()
        self._tasks.clear()
        with contextlib.suppress(Exception):
            await client._disconnect()
        log.info("Feishu long connection: closed")
