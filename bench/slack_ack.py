"""How fast MEMS acknowledges signed slash commands on /slack/events, against a bare slack-bolt app that
answers the same command with a constant, measured side by side in one run on loopback.

    .venv/bin/python -m bench.slack_ack [--seconds 10] [--rate 200] [--concurrency 32]

Each server runs in its own process (uvicorn), and so does the stand-in Slack API that MEMS answers through.
Reports the throughput ratio (MEMS / bare, closed loop) and p50/p99 acknowledgement latency at a fixed
offered rate (open loop, latency counted from the scheduled send time). Goal: ratio >= 0.8, p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from fastapi import Request  # at module level: FastAPI reads the handler's annotations from here
from slack_sdk.signature import SignatureVerifier

from tests.standins.server import free_port

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
USERS = 50
COMMAND_TEXT = "list"


# -- the two servers (uvicorn factories) -------------------------------------------------------------------------

def bare_app() -> object:
    """slack-bolt as its docs show it, behind FastAPI, acknowledging with a constant."""
    from fastapi import FastAPI
    from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(client=AsyncWebClient(token=TOKEN, base_url=os.environ["MEMS_SLACK_API_URL"]),
                    signing_secret=SECRET)

    @bolt.command("/mems")
    async def answer(ack: object) -> None:
        await ack("ok")  # type: ignore[operator]

    handler = AsyncSlackRequestHandler(bolt)
    api = FastAPI()

    @api.post("/slack/events")
    async def events(req: Request) -> object:
        return await handler.handle(req)

    return api


def ours_app() -> object:
    """MEMS as `mems serve` builds it (settings from the environment)."""
    from bot.entry import bootstrap
    from bot.entry.web import create_app
    from bot.settings import load

    return create_app(bootstrap.build(load()))


# -- processes ---------------------------------------------------------------------------------------------------

@contextmanager
def process(args: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(_wait_up(url, proc))
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


async def _wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if proc.poll() is not None:
                raise RuntimeError(f"{url} exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
            try:
                async with session.get(url + "/_stats" if "stand" in url else url + "/healthz") as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
        raise RuntimeError(f"{url} did not start")


def server(app: str, env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    return process(["-m", "uvicorn", f"bench.slack_ack:{app}", "--factory", "--port", str(port),
                    "--log-level", "warning", "--no-access-log"], env, port)


# -- load --------------------------------------------------------------------------------------------------------

class Commands:
    """Signed slash commands, each with its own trigger id, from a rotating set of users."""

    def __init__(self, hooks: str) -> None:
        self.verifier = SignatureVerifier(SECRET)
        self.hooks = hooks
        self.n = itertools.count()
        self.expect_answers = False
        self.answered_goal = 0  # answers the stand-in should have received by now

    def next(self) -> tuple[str, dict[str, str]]:
        n = next(self.n)
        self.answered_goal += self.expect_answers
        body = urlencode({"token": "x", "team_id": "T111", "team_domain": "bench", "channel_id": "CBENCH",
                          "channel_name": "bench", "user_id": f"U{n % USERS:05d}", "user_name": "bench",
                          "command": "/mems", "text": COMMAND_TEXT, "api_app_id": "A111",
                          "response_url": f"{self.hooks}/hooks/r{n}", "trigger_id": f"bench.{n}.{time.time_ns()}"})
        ts = str(int(time.time()))
        return body, {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
                      "X-Slack-Signature": self.verifier.generate_signature(timestamp=ts, body=body) or ""}


async def _one(session: aiohttp.ClientSession, url: str, commands: Commands) -> int:
    body, headers = commands.next()
    async with session.post(url + "/slack/events", data=body, headers=headers) as response:
        await response.read()
        return response.status


async def closed_loop(url: str, commands: Commands, seconds: float, concurrency: int) -> tuple[float, int]:
    """As fast as the server answers: requests per second, and how many were not 200."""
    done = errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal done, errors
        while time.perf_counter() < deadline:
            status = await _one(session, url, commands)
            done += 1
            errors += status != 200

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        start = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        return done / (time.perf_counter() - start), errors


async def open_loop(url: str, commands: Commands, seconds: float, rate: float) -> tuple[list[float], int]:
    """A fixed offered rate; each latency counts from when the request was due, so queueing shows."""
    latencies: list[float] = []
    errors = 0

    async def send(session: aiohttp.ClientSession, due: float) -> None:
        nonlocal errors
        status = await _one(session, url, commands)
        latencies.append(time.perf_counter() - due)
        errors += status != 200

    await offered(seconds, rate, send, limit=500)
    return latencies, errors


async def offered(seconds: float, rate: float, one: Callable[[aiohttp.ClientSession, float], Awaitable[None]],
                  limit: int) -> None:
    """`rate` requests a second for `seconds`, each started when it is due (its due time is passed to `one`)
    whatever the earlier ones are doing: an open loop, so a slow server shows as queueing, not as a slower client."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit)) as session:
        start = time.perf_counter()
        tasks = []
        for i in range(int(seconds * rate)):
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(session, due)))
        await asyncio.gather(*tasks)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


async def _stats(url: str) -> dict[str, object]:
    async with aiohttp.ClientSession() as session, session.get(url + "/_stats") as response:
        return dict(await response.json())


# -- the run -----------------------------------------------------------------------------------------------------

async def caught_up(standin: str, commands: Commands, timeout: float = 60.0) -> None:
    """Wait until every command sent so far was answered (MEMS works after its ack; a backlog would skew
    the next phase). The bare app answers nothing, so it is caught up at once."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if int((await _stats(standin))["hooks"]) >= commands.answered_goal:  # type: ignore[call-overload]
            return
        await asyncio.sleep(0.2)


def measure(name: str, url: str, standin: str, commands: Commands, args: argparse.Namespace,
            answers: bool) -> dict[str, float]:
    commands.expect_answers = answers
    asyncio.run(open_loop(url, commands, 2, args.rate))  # warm up: caches, connections, the first auth.test
    asyncio.run(caught_up(standin, commands))
    start = time.perf_counter()
    latencies, errors_open = asyncio.run(open_loop(url, commands, args.seconds, args.rate))
    rate_done = len(latencies) / (time.perf_counter() - start)
    asyncio.run(caught_up(standin, commands))
    throughput, errors_closed = asyncio.run(closed_loop(url, commands, args.seconds, args.concurrency))
    result = {"at_rate": rate_done, "throughput": throughput, "p50": percentile(latencies, 50),
              "p99": percentile(latencies, 99), "errors": errors_closed + errors_open}
    print(f"  {name:<9} at {args.rate:.0f}/s offered: {rate_done:6.1f} req/s acked, p50 {result['p50']:6.1f} ms, "
          f"p99 {result['p99']:6.1f} ms | saturated: {throughput:6.0f} req/s | non-200: {result['errors']:.0f}",
          flush=True)
    return result


def _round(standin: str, commands: Commands, env: dict[str, str],
           args: argparse.Namespace) -> tuple[dict[str, float], dict[str, float]]:
    with server("bare_app", env) as url:
        bare = measure("bare bolt", url, standin, commands, args, answers=False)
    with server("ours_app", env) as url:
        ours = measure("MEMS", url, standin, commands, args, answers=True)
        asyncio.run(caught_up(standin, commands))
    return bare, ours


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="bare and MEMS alternate; medians are reported")
    args = parser.parse_args()
    standin_port = free_port()
    with tempfile.TemporaryDirectory() as tmp, \
            process(["-m", "tests.standins.slack", str(standin_port), str(USERS)], {}, standin_port) as standin:
        env = {"MEMS_SLACK_API_URL": standin + "/api/", "MEMS_SLACK_BOT_TOKEN": TOKEN,
               "MEMS_SLACK_SIGNING_SECRET": SECRET, "MEMS_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
               "MEMS_LOG_LEVEL": "WARNING", "MEMS_REDIS_URL": ""}
        print(f"Signed slash commands `/mems {COMMAND_TEXT}` to /slack/events on loopback, {args.seconds:.0f} s per "
              f"phase: {args.rate:.0f} req/s offered (open loop), then saturated ({args.concurrency} concurrent)")
        commands = Commands(standin)
        rounds = [_round(standin, commands, env, args) for _ in range(args.rounds)]
        answered = int(asyncio.run(_stats(standin))["hooks"])  # type: ignore[call-overload]
    bare = {k: statistics.median(r[0][k] for r in rounds) for k in rounds[0][0]}
    ours = {k: statistics.median(r[1][k] for r in rounds) for k in rounds[0][1]}
    ratio = ours["at_rate"] / bare["at_rate"]
    ok = ratio >= 0.8 and ours["p99"] < 100
    print(f"medians of {args.rounds} round(s):")
    print(f"  bare bolt p50 {bare['p50']:.1f} ms, p99 {bare['p99']:.1f} ms;  MEMS p50 {ours['p50']:.1f} ms, "
          f"p99 {ours['p99']:.1f} ms")
    print(f"  at {args.rate:.0f} req/s: throughput MEMS/bare {ratio:.2f} (goal >= 0.80), MEMS p99 {ours['p99']:.1f} ms "
          f"(goal < 100 ms): {'met' if ok else 'MISSED'}")
    print(f"  saturated: MEMS/bare {ours['throughput'] / bare['throughput']:.2f} ({ours['throughput']:.0f} vs "
          f"{bare['throughput']:.0f} req/s; MEMS also runs every command, the bare app only acknowledges)")
    print(f"  MEMS answered {answered} of {commands.answered_goal} commands on their response_url")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
