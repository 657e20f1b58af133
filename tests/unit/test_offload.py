"""The offload runs the bus for every chat adapter: the event loop keeps serving while the bus works, work handed
over from a foreign thread (lark's handlers) runs on the server's loop, shutdown and tests can wait for it, and a
failure is logged rather than lost."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest

from bot.offload import Offload


async def test_the_loop_keeps_serving_while_the_bus_runs() -> None:
    offload = Offload()
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    assert await offload.run(lambda: time.sleep(0.2) or "answer") == "answer"
    ticker.cancel()
    assert ticks >= 5  # the loop ticked while a thread slept
    offload.close()


def test_work_from_a_foreign_thread_runs_on_the_server_loop_and_is_waited_for() -> None:
    offload = Offload()
    loop = asyncio.new_event_loop()
    server = threading.Thread(target=loop.run_forever, daemon=True)
    server.start()
    offload.bind(loop)
    ran_on: list[asyncio.AbstractEventLoop] = []

    async def work() -> str:
        await asyncio.sleep(0.1)
        ran_on.append(asyncio.get_running_loop())
        return await offload.run(lambda: "done")

    future = offload.submit(work())
    assert offload.running >= 1
    assert offload.wait_idle(5) and offload.running == 0
    assert future.result() == "done" and ran_on == [loop]
    loop.call_soon_threadsafe(loop.stop)
    server.join(5)
    loop.close()
    offload.close()


def test_a_failure_in_handed_over_work_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    offload = Offload()
    loop = asyncio.new_event_loop()
    server = threading.Thread(target=loop.run_forever, daemon=True)
    server.start()
    offload.bind(loop)

    async def broken() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="bot.offload"):
        offload.submit(broken())
        assert offload.wait_idle(5)
    assert "chat work failed" in caplog.text and "boom" in caplog.text
    loop.call_soon_threadsafe(loop.stop)
    server.join(5)
    loop.close()
    offload.close()


def test_nothing_is_handed_over_without_a_loop() -> None:
    offload = Offload()

    async def work() -> None:
        return None

    with pytest.raises(RuntimeError, match="no event loop"):
        offload.submit(work())
    assert offload.running == 0
    offload.close()
