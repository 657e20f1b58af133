"""Benchmark (issue 14): MEMS under Slack load on the 5,000-person company (bench/org_scale.py, PostgreSQL), against
a bare slack-bolt app measured in the same run. Every server is a process of its own (`mems serve` as an operator
runs it), as is the stand-in Slack API that MEMS answers through; the load comes from this process on loopback.

1. CPU per command: the server's own CPU time (user + system, every process of it) per command, for `help`,
   `show C-n` and `approve A-n` (bob, the first step of a waiting budget request) against the bare app's CPU per
   acknowledgement. Closed loop, 4 at a time, waited until every command is answered (help is answered in its
   acknowledgement once the asker is known; a first contact on the response_url). Goals: help within 1.5x of
   the bare ack; show and approve under 2 ms.
2. Overload: the command capacity (answers a second, saturated, `show C-n` from 32 clients), then twice that offered
   for 10 s (open loop): the acknowledgement's p50 / p99 from when each was due, the "busy" answers, and lost
   (acknowledged without "busy" but never answered) and doubled answers. Goal: p99 under 50 ms, none lost.
3. Cores: the capacity of `mems serve --workers 2` against `--workers 1`. Goal: at least 1.8x.
4. Memory: the largest resident set of a `mems serve` process through all of the above. Goal: under 300 MB.

What the approvals change is put back afterwards (decisions, request rows, their outbox rows), so runs repeat.

    python -m bench.slack_load [--seconds 10] [--skip-cpu] [--skip-overload] [--skip-workers]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text

from adapters.db.engine import make_engine
from bench import org_scale
from bench.slack_ack import SECRET, TOKEN, offered, percentile, process
from bot.i18n import tr
from tests.standins.server import free_port

ROOT = Path(__file__).resolve().parents[1]
BUSY = tr("en", "err.busy")
PEOPLE = [f"user{n:05d}" for n in range(8, 408)]  # company members without a role


# -- the processes ---------------------------------------------------------------------------------------------

def standin_main() -> None:
    """`python -m bench.slack_load standin PORT`: the Slack stand-in, knowing the company's people."""
    import uvicorn

    from tests.standins.slack import SlackStandIn

    standin = SlackStandIn(port=int(sys.argv[2]))
    for user in ("alice", "bob", *PEOPLE):
        standin.add_user(user, user)
    uvicorn.run(standin.app(), host="127.0.0.1", port=standin.port, log_level="warning", lifespan="off")


def tree(pid: int) -> list[int]:
    """The process and its descendants (uvicorn's workers)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def cpu_seconds(pid: int) -> float:
    total = 0.0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            continue
    return total


def rss_mb(pid: int) -> float:
    """The largest resident set among the process and its workers, in MB."""
    largest = 0.0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/statm") as f:
                largest = max(largest, int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6)
        except (OSError, IndexError, ValueError):
            continue
    return largest


@dataclass
class Server:
    url: str
    pid: int
    peak_rss: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)

    def watch(self) -> None:
        def run() -> None:
            while not self._stop.wait(0.25):
                self.peak_rss = max(self.peak_rss, rss_mb(self.pid))
        threading.Thread(target=run, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()


@contextmanager
def started(args: list[str], env: dict[str, str], port: int) -> Iterator[Server]:
    # The server's log goes to a file: a pipe nobody reads blocks every process of it once 64 KiB are written.
    log = tempfile.NamedTemporaryFile(prefix="mems-bench-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        from bench.slack_ack import _wait_up

        asyncio.run(_wait_up(url, proc))
        server = Server(url, proc.pid)
        server.watch()
        yield server
        server.stop()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        told = [line for line in Path(log.name).read_text(errors="replace").splitlines()
                if " WARNING " in line or " ERROR " in line]
        if told:
            print(f"  ({len(told)} warnings or errors in the server's log {log.name}: {told[0].strip()[:160]})")


def bare(env: dict[str, str]) -> AbstractContextManager[Server]:
    port = free_port()
    return started(["-m", "uvicorn", "bench.slack_ack:bare_app", "--factory", "--port", str(port),
                    "--log-level", "warning", "--no-access-log"], env, port)


def mems(env: dict[str, str], workers: int) -> AbstractContextManager[Server]:
    port = free_port()
    return started(["-m", "bot.entry.cli", "serve", "--port", str(port), "--workers", str(workers)], env, port)


# -- load -------------------------------------------------------------------------------------------------------

class Commands:
    def __init__(self, hooks: str, team: str) -> None:
        self.verifier = SignatureVerifier(SECRET)
        self.hooks, self.team = hooks, team
        self.n = itertools.count()

    def signed(self, user: str, command_text: str) -> tuple[str, dict[str, str]]:
        n = next(self.n)
        body = urlencode({"token": "x", "team_id": self.team, "team_domain": "org", "channel_id": "CBENCH",
                          "channel_name": "bench", "user_id": user, "user_name": user, "command": "/mems",
                          "text": command_text, "api_app_id": "A111", "response_url": f"{self.hooks}/hooks/r{n}",
                          "trigger_id": f"bench.{n}.{time.time_ns()}"})
        ts = str(int(time.time()))
        return body, {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
                      "X-Slack-Signature": self.verifier.generate_signature(timestamp=ts, body=body) or ""}


Next = Callable[[], tuple[str, str]]  # (user, command text)


async def send(session: aiohttp.ClientSession, url: str, commands: Commands, user: str, words: str) -> str:
    """'ok' (acknowledged, answered later on the response_url), 'answered' (the answer in the acknowledgement: a
    static one, help), 'busy' or 'error'."""
    body, headers = commands.signed(user, words)
    async with session.post(url + "/slack/events", data=body, headers=headers) as response:
        answer = await response.text()
        if response.status != 200:
            return "error"
        if answer.startswith("{") and '"blocks"' in answer:
            return "answered"
        return "busy" if "busy" in answer else "ok"


async def closed(url: str, commands: Commands, nxt: Next, count: int | None, seconds: float | None,
                 concurrency: int) -> dict[str, int]:
    found = {"ok": 0, "answered": 0, "busy": 0, "error": 0}
    sent = 0
    deadline = time.perf_counter() + (seconds or 1e9)

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal sent
        while time.perf_counter() < deadline and (count is None or sent < count):
            sent += 1
            found[await send(session, url, commands, *nxt())] += 1

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return found


async def opened(url: str, commands: Commands, nxt: Next, rate: float, seconds: float) -> tuple[list[float],
                                                                                               dict[str, int]]:
    latencies: list[float] = []
    found = {"ok": 0, "answered": 0, "busy": 0, "error": 0}

    async def one(session: aiohttp.ClientSession, due: float) -> None:
        try:
            outcome = await send(session, url, commands, *nxt())
        except aiohttp.ClientError:
            outcome = "error"
        latencies.append(time.perf_counter() - due)
        found[outcome] += 1

    await offered(seconds, rate, one, limit=1000)
    return latencies, found


async def answered(standin: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(standin + "/_stats") as response:
        return int((await response.json())["hooks"])


async def settle(standin: str, goal: int, timeout: float = 120.0) -> int:
    """Wait until the stand-in has `goal` answers (or they stop coming); how many it has."""
    deadline, last, since = time.perf_counter() + timeout, -1, time.perf_counter()
    while time.perf_counter() < deadline:
        now = await answered(standin)
        if now >= goal:
            return now
        if now != last:
            last, since = now, time.perf_counter()
        elif time.perf_counter() - since > 10:
            return now
        await asyncio.sleep(0.1)
    return await answered(standin)


# -- the approvals the bench decides, and putting them back ------------------------------------------------------

def waiting_for_bob(url: str, count: int) -> list[int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT r.id FROM approval_requests r WHERE r.status = 'pending' AND r.requester <> 'bob' "
            "AND NOT EXISTS (SELECT 1 FROM approval_decisions d WHERE d.request_id = r.id) "
            "AND r.steps::text LIKE '[\"manager\"%' ORDER BY r.id LIMIT :n"), {"n": count}).all()
    engine.dispose()
    return [int(r[0]) for r in rows]


@contextmanager
def put_back(url: str, ids: list[int]) -> Iterator[None]:
    engine = make_engine(url)
    start = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_requests"))
        conn.execute(text("CREATE TABLE bench_requests AS SELECT * FROM approval_requests WHERE id = ANY(:ids)"),
                     {"ids": ids})
        columns = [r[0] for r in conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'bench_requests' "
            "AND table_schema = current_schema() AND column_name <> 'id'"))]
    try:
        yield
    finally:
        sets = ", ".join(f"{c} = b.{c}" for c in columns)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM approval_decisions WHERE request_id = ANY(:ids)"), {"ids": ids})
            conn.execute(text(f"UPDATE approval_requests r SET {sets} FROM bench_requests b WHERE r.id = b.id"))
            conn.execute(text("DELETE FROM outbox WHERE created_at >= :t"), {"t": start})
            conn.execute(text("DROP TABLE bench_requests"))
        engine.dispose()


# -- the run ------------------------------------------------------------------------------------------------------

def load_average() -> str:
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def idle_cpu(server: Server, seconds: float = 3.0) -> float:
    """The server's CPU a second while nothing is asked of it (its loops polling: delivery, the inbox's leases)."""
    cpu = cpu_seconds(server.pid)
    time.sleep(seconds)
    return (cpu_seconds(server.pid) - cpu) / seconds


def cpu_per(server: Server, standin: str, commands: Commands, nxt: Next, count: int, answers: bool,
            idle: float) -> tuple[float, float]:
    """ms of the server's CPU per command, every answer in (the work after the ack counts): as measured, and less
    what the server spends idle over the same time."""
    base = asyncio.run(answered(standin))
    warm = asyncio.run(closed(server.url, commands, nxt, 20, None, 4))  # caches, connections, plans
    if answers:
        asyncio.run(settle(standin, base + warm["ok"]))
    time.sleep(0.5)
    base, cpu, started = asyncio.run(answered(standin)), cpu_seconds(server.pid), time.perf_counter()
    outcome = asyncio.run(closed(server.url, commands, nxt, count, None, 4))
    assert outcome["ok"] + outcome["answered"] == count, outcome
    if outcome["answered"]:
        print(f"  ({outcome['answered']} of {count} answered in their acknowledgement)", flush=True)
    if answers:  # the rest were answered in their acknowledgement
        got = asyncio.run(settle(standin, base + outcome["ok"]))
        assert got >= base + outcome["ok"], (got, base + outcome["ok"])
    time.sleep(0.3)  # the delivery loop's last card updates
    spent = cpu_seconds(server.pid) - cpu
    return spent * 1000 / count, (spent - idle * (time.perf_counter() - started)) * 1000 / count


def meet_everyone(server: Server, standin: str, commands: Commands) -> None:
    """Each person's first command stores their Slack name (the company's people were made with other names): done
    before measuring, as a real workspace has met its people long before."""
    base = asyncio.run(answered(standin))
    found = asyncio.run(closed(server.url, commands, rotating([*PEOPLE, "bob"], lambda k: "help"), len(PEOPLE) + 1,
                               None, 8))
    asyncio.run(settle(standin, base + found["ok"]))


def rotating(users: list[str], words: Callable[[int], str]) -> Next:
    n = itertools.count()

    def nxt() -> tuple[str, str]:
        k = next(n)
        return users[k % len(users)], words(k)
    return nxt


def capacity(server: Server, standin: str, commands: Commands, nxt: Next, seconds: float) -> float:
    """Answers a second while 32 clients keep the queue full (sampled after a 2 s ramp)."""
    base = asyncio.run(answered(standin))

    async def run() -> tuple[float, int]:
        task = asyncio.create_task(closed(server.url, commands, nxt, None, seconds + 2, 32))
        await asyncio.sleep(2)
        first, t0 = await answered(standin), time.perf_counter()
        await asyncio.sleep(seconds)
        last, t1 = await answered(standin), time.perf_counter()
        return (last - first) / (t1 - t0), (await task)["ok"]
    found, taken = asyncio.run(run())
    asyncio.run(settle(standin, base + taken, timeout=60))  # the backlog drains before the next phase
    return found


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "standin":
        standin_main()
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--count", type=int, default=200, help="commands per CPU measurement")
    parser.add_argument("--skip-cpu", action="store_true")
    parser.add_argument("--skip-overload", action="store_true")
    parser.add_argument("--skip-workers", action="store_true")
    args = parser.parse_args()
    company = org_scale.company()
    port = free_port()
    results: list[str] = []
    peak = 0.0
    with process(["-m", "bench.slack_load", "standin", str(port)], {}, port) as standin:
        env = {"MEMS_SLACK_API_URL": standin + "/api/", "MEMS_SLACK_BOT_TOKEN": TOKEN,
               "MEMS_SLACK_SIGNING_SECRET": SECRET, "MEMS_DATABASE_URL": company.url, "MEMS_SCHEDULER": "off",
               "MEMS_LOG_LEVEL": "WARNING", "MEMS_REDIS_URL": "", "MEMS_ADMINS": "slack:alice"}
        commands = Commands(standin, company.workspace)
        show = rotating(PEOPLE, lambda k: f"show C-{1 + k % 1000}")
        print(f"Slack slash commands on loopback to the company ({company.workspace}); load average {load_average()}",
              flush=True)
        if not args.skip_cpu:
            with bare(env) as server:
                idle = idle_cpu(server)
                bare_cpu = cpu_per(server, standin, commands, rotating(PEOPLE, lambda k: "help"), args.count * 2,
                                   False, idle)
            ids = waiting_for_bob(company.url, args.count // 2)
            with mems(env, 1) as server, put_back(company.url, ids):
                meet_everyone(server, standin, commands)
                mems_idle = idle_cpu(server)
                helped = cpu_per(server, standin, commands, rotating(PEOPLE, lambda k: "help"), args.count, True,
                                 mems_idle)
                shown = cpu_per(server, standin, commands, show, args.count, True, mems_idle)
                todo = iter(ids)  # the first 20 warm up
                approve = rotating(["bob"], lambda k: f"approve A-{next(todo)} ok")
                approved = cpu_per(server, standin, commands, approve, len(ids) - 20, True, mems_idle)
                peak = max(peak, server.peak_rss)

            def row(name: str, found: tuple[float, float], goal: str) -> str:
                return (f"  {name:<26} {found[0]:6.2f} ms  {found[1]:6.2f} ms   x{found[0] / bare_cpu[0]:5.1f} "
                        f"x{found[1] / bare_cpu[1]:5.1f}   {goal}")
            results += [
                f"CPU per command, measured / less idle (load average {load_average()}; idle: bare "
                f"{idle * 1000:.1f} ms/s, MEMS {mems_idle * 1000:.1f} ms/s):",
                f"  {'bare bolt, ack only':<26} {bare_cpu[0]:6.2f} ms  {bare_cpu[1]:6.2f} ms",
                row("MEMS help", helped, "goal: within x1.5 of bare"),
                row("MEMS show C-n", shown, "goal: < 2 ms"),
                row("MEMS approve A-n (bob)", approved, "goal: < 2 ms")]
            print("\n".join(results[-5:]), flush=True)
        if not args.skip_overload:
            with mems(env, 1) as server:
                meet_everyone(server, standin, commands)
                base = asyncio.run(answered(standin))
                warm = asyncio.run(closed(server.url, commands, show, 50, None, 4))
                asyncio.run(settle(standin, base + warm["ok"]))
                cap = capacity(server, standin, commands, show, args.seconds)
                rate = 2 * cap
                base = asyncio.run(answered(standin))
                latencies, found = asyncio.run(opened(server.url, commands, show, rate, args.seconds))
                got = asyncio.run(settle(standin, base + found["ok"])) - base
                peak = max(peak, server.peak_rss)
            results += [
                f"Overload, 1 worker (load average {load_average()}): capacity {cap:.0f} commands/s; "
                f"{rate:.0f}/s offered for {args.seconds:.0f} s",
                f"  ack p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms (goal < 50 ms); "
                f"taken {found['ok']}, busy {found['busy']}, errors {found['error']}; answered {got}, "
                f"lost {max(0, found['ok'] - got)}, doubled {max(0, got - found['ok'])}"]
            print("\n".join(results[-2:]), flush=True)
        if not args.skip_workers:
            caps = {}
            for workers in (1, 2):
                with mems(env, workers) as server:
                    base = asyncio.run(answered(standin))
                    warm = asyncio.run(closed(server.url, commands, show, 100, None, 8))
                    asyncio.run(settle(standin, base + warm["ok"]))
                    caps[workers] = capacity(server, standin, commands, show, args.seconds)
                    peak = max(peak, server.peak_rss)
            results += [f"Cores (load average {load_average()}): --workers 1 {caps[1]:.0f} commands/s, --workers 2 "
                        f"{caps[2]:.0f} commands/s: x{caps[2] / caps[1]:.2f} (goal >= x1.8)"]
            print(results[-1], flush=True)
    print(f"largest resident set of a mems serve process: {peak:.0f} MB (goal < 300 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
