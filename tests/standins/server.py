"""Serve an ASGI app (a stand-in platform API, or MEMS itself) with uvicorn in a thread on a loopback port."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A uvicorn server in a daemon thread: `start()` returns once it accepts connections."""

    def __init__(self, app: Any, port: int | None = None, **config: Any) -> None:
        self.port = port or free_port()
        options = {"host": "127.0.0.1", "log_level": "warning", **config}
        self._server = uvicorn.Server(uvicorn.Config(app, port=self.port, **options))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the server on port {self.port} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


@contextlib.contextmanager
def serve_asgi(app: Any, lifespan: str = "on", port: int | None = None, **config: Any) -> Iterator[str]:
    """Any ASGI app on a (free) loopback port for the length of the block; yields its base URL."""
    server = Server(app, port, lifespan=lifespan, **config).start()
    try:
        yield server.url
    finally:
        server.stop()
