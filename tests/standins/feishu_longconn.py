"""A stand-in for Feishu's long connection (长连接), speaking the protocol lark-oapi's WebSocket client speaks
(lark_oapi/ws/client.py): `POST {domain}/callback/ws/endpoint` with {"AppID", "AppSecret"} answers a WebSocket URL
(device_id, service_id and a ticket in its query) and the client's settings; over that socket every message is a
protobuf `Frame` built with lark's own classes (lark_oapi.ws.pb.pbbp2_pb2). The client pings (a control frame) and
gets a pong with its settings; Feishu pushes a data frame (headers type event|card, message_id, trace_id, sum and
seq: a payload cut in `sum` parts), and the client answers on the same frame: {"code": 200, "data": base64 of the
handler's JSON} for a card callback's answer, 500 when the handler failed.

The HTTP half is served by the Open API stand-in (`OpenApi.long_connection`), on the same domain as Feishu's."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lark_oapi.ws.pb.pbbp2_pb2 import Frame
from websockets.asyncio.server import Server, ServerConnection, serve

from tests.standins.feishu import APP_ID, APP_SECRET
from tests.standins.server import free_port

CONTROL, DATA = 0, 1  # Frame.method (lark_oapi.ws.enum.FrameType)
SERVICE_ID = 33554678


@dataclass(frozen=True)
class Answer:
    """What the client wrote back for one pushed message."""

    code: int
    data: Any  # the handler's answer, decoded (a card callback's toast and card), or None
    headers: dict[str, str]


def header(frame: Frame, key: str) -> str | None:
    return next((h.value for h in frame.headers if h.key == key), None)


class LongConnection:
    """Feishu's side of the long connection, on a loopback port in a thread of its own. `reconnect_interval` and
    `ping_interval` are the settings Feishu hands the client (seconds); no jitter, so a dropped client is back at
    once."""

    def __init__(self, app_id: str = APP_ID, app_secret: str = APP_SECRET, reconnect_interval: int = 1,
                 ping_interval: int = 120) -> None:
        self.app_id, self.app_secret = app_id, app_secret
        self.config = {"ReconnectCount": -1, "ReconnectInterval": reconnect_interval, "ReconnectNonce": 0,
                       "PingInterval": ping_interval}
        self.port = free_port()
        self.tickets: set[str] = set()  # handed out by the endpoint, each good for one connection
        self.issued: list[str] = []  # every ticket ever handed out
        self.endpoint_calls: list[dict[str, Any]] = []
        self.connections: list[ServerConnection] = []  # open now
        self.connected_total = 0  # every connection ever accepted
        self.pings = 0
        self._waiting: dict[str, asyncio.Future[Answer]] = {}
        self._ids = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: Server | None = None
        self._changed = threading.Condition()

    # -- lifecycle ----------------------------------------------------------------------------------------------
    def start(self) -> LongConnection:
        self._thread.start()
        self._call(self._serve())
        return self

    def stop(self) -> None:
        self._call(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    async def _serve(self) -> None:
        self._server = await serve(self._session, "127.0.0.1", self.port)

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _call(self, coroutine: Any, timeout: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    # -- POST /callback/ws/endpoint (called by the Open API stand-in) --------------------------------------------
    def endpoint(self, body: dict[str, Any] | None) -> tuple[int, dict[str, Any], dict[str, str]]:
        body = body or {}
        self.endpoint_calls.append({k: v for k, v in body.items() if k != "AppSecret"})
        if body.get("AppID") != self.app_id or body.get("AppSecret") != self.app_secret:
            return 200, {"code": 10014, "msg": "app secret invalid"}, {}  # a ClientException: lark does not retry
        ticket = uuid.uuid4().hex
        self.tickets.add(ticket)
        self.issued.append(ticket)
        url = (f"ws://127.0.0.1:{self.port}/ws/v2?fpid=493&device_id=dev{next(self._ids)}"
               f"&service_id={SERVICE_ID}&ticket={ticket}")
        return 200, {"code": 0, "msg": "ok", "data": {"URL": url, "ClientConfig": self.config}}, {}

    # -- the socket ---------------------------------------------------------------------------------------------
    async def _session(self, ws: ServerConnection) -> None:
        query = parse_qs(urlsplit(ws.request.path if ws.request else "").query)
        ticket = (query.get("ticket") or [""])[0]
        if ticket not in self.tickets:
            await ws.close(4003, "invalid ticket")
            return
        self.tickets.discard(ticket)
        self._connected(ws, +1)
        try:
            async for message in ws:
                if isinstance(message, bytes):
                    await self._received(ws, message)
        except Exception:  # a dropped connection ends its session
            pass
        finally:
            self._connected(ws, -1)

    def _connected(self, ws: ServerConnection, change: int) -> None:
        with self._changed:
            if change > 0:
                self.connections.append(ws)
                self.connected_total += 1
            elif ws in self.connections:
                self.connections.remove(ws)
            self._changed.notify_all()

    async def _received(self, ws: ServerConnection, raw: bytes) -> None:
        frame = Frame()
        frame.ParseFromString(raw)
        if frame.method == CONTROL and header(frame, "type") == "ping":
            self.pings += 1
            pong = Frame(SeqID=0, LogID=0, service=frame.service, method=CONTROL,
                         payload=json.dumps(self.config).encode())
            pong.headers.add(key="type", value="pong")
            await ws.send(pong.SerializeToString())
        elif frame.method == DATA:
            waiting = self._waiting.pop(header(frame, "message_id") or "", None)
            if waiting is not None and not waiting.done():
                data = json.loads(frame.payload)
                answer = data.get("data")
                decoded = json.loads(base64.b64decode(answer)) if answer else None
                waiting.set_result(Answer(int(data["code"]), decoded, {h.key: h.value for h in frame.headers}))

    # -- test controls ------------------------------------------------------------------------------------------
    def wait_connected(self, count: int = 1, *, total: int | None = None, timeout: float = 15.0) -> None:
        """Until `count` connections are open (and, with `total`, that many were ever accepted)."""
        with self._changed:
            ok = self._changed.wait_for(lambda: len(self.connections) == count and (
                total is None or self.connected_total >= total), timeout)
        assert ok, f"{len(self.connections)} connection(s) open, {self.connected_total} ever; wanted {count}"

    def push(self, payload: dict[str, Any], kind: str = "event", parts: int = 1, timeout: float = 10.0) -> Answer:
        """Push one message to an open connection (Feishu picks one client per message) and wait for its answer."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        answer: Answer = self._call(self._push(body, kind, parts, timeout), timeout + 1)
        return answer

    async def _push(self, body: bytes, kind: str, parts: int, timeout: float) -> Answer:
        assert self.connections, "no client is connected"
        message_id = f"msg_{uuid.uuid4().hex[:12]}"
        answered: asyncio.Future[Answer] = self._loop.create_future()
        self._waiting[message_id] = answered
        size = -(-len(body) // parts)
        ws = self.connections[0]
        for seq in range(parts):
            frame = Frame(SeqID=next(self._ids), LogID=0, service=SERVICE_ID, method=DATA,
                          payload=body[seq * size:(seq + 1) * size])
            for key, value in (("type", kind), ("message_id", message_id), ("trace_id", uuid.uuid4().hex),
                               ("sum", str(parts)), ("seq", str(seq))):
                frame.headers.add(key=key, value=value)
            await ws.send(frame.SerializeToString())
        return await asyncio.wait_for(answered, timeout)

    def drop(self) -> None:
        """Feishu's side goes away: every open connection is cut without a closing handshake."""
        def cut() -> None:
            for ws in list(self.connections):
                ws.transport.abort()
        self._loop.call_soon_threadsafe(cut)
