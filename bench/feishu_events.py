"""How fast MEMS answers Feishu: a message event (decrypt, verify, hand off) and a card click (decrypt, verify,
run the command, render the updated card), each as a ratio to GET /healthz measured in the same run, through the
real app on SQLite with the Open API stand-in behind respx. Feishu's budget for either answer is 3 s.

    .venv/bin/python bench/feishu_events.py [--n 100]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import respx
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.entry import bootstrap
from bot.entry.web import create_app
from tests.integration.feishu.conftest import API_URL, feishu_settings
from tests.standins.feishu import OpenApi
from tests.standins.feishu_events import Feishu, wire

HOME = "oc_bench"


def timed(runs: int, once: Callable[[int], object]) -> list[float]:
    out = []
    for i in range(runs):
        start = time.perf_counter()
        once(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(name: str, ms: list[float], base: float) -> None:
    p50, p95 = statistics.median(ms), statistics.quantiles(ms, n=20)[-1]
    print(f"{name:<22} median {p50:7.2f} ms   p95 {p95:7.2f} ms   x{p50 / base:6.1f} healthz   "
          f"{p95 / 3000:6.2%} of Feishu's 3 s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as tmp:
        container = bootstrap.build(feishu_settings(f"sqlite:///{tmp}/mems.db"))
        api, feishu = OpenApi(), Feishu()
        feishu.person("li", "ou_li")
        with respx.mock(base_url=API_URL, assert_all_called=False) as router:
            router.route().mock(side_effect=api.respond)
            with TestClient(create_app(container, run_workers=False)) as client:
                def post(event: dict[str, object]) -> dict[str, object]:
                    body, headers = wire(event)
                    response = client.post("/feishu/events", content=body, headers=headers)
                    assert response.status_code == 200
                    return response.json()  # type: ignore[no-any-return]

                def say(text: str) -> None:
                    post(feishu.message("li", text, HOME))
                    container.offload.wait_idle(10)

                say('@MEMS 新建 "bench"')
                for _ in range(n):
                    say("@MEMS 任务 添加 C-1 bench")
                health = timed(n, lambda _: client.get("/healthz"))
                events = [feishu.message("li", "@MEMS 帮助", HOME) for _ in range(n)]
                acks = timed(n, lambda i: post(events[i]))
                container.offload.wait_idle(30)
                clicks = [feishu.click("li", f"om_{i}", {"action": "task_start", "ref": f"T-{i + 1}",
                                                         "command": f"task start T-{i + 1}"}, HOME) for i in range(n)]
                toasts: list[object] = []
                answers = timed(n, lambda i: toasts.append(post(clicks[i])["toast"]))
                assert all(t["type"] == "success" for t in toasts), toasts  # type: ignore[index]
        container.close()
    base = statistics.median(health)
    print(f"Feishu inbound, {n} requests each (TestClient, SQLite, respx stand-in)")
    report("GET /healthz", health, base)
    report("message event (ack)", acks, base)
    report("card click (answer)", answers, base)


if __name__ == "__main__":
    main()
