"""The inbox: a request is kept before it is acknowledged, a full queue says "busy" at once, a repeat is taken
once, and what a stopped process left is run by a live one exactly once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.inbox import Admission, Inbox, Role
from bot.inprocess.inbox import MemoryInboxStore
from bot.offload import Offload
from bot.ports import InboxItem
from tests.fakes import FakeClock


def _inbox(store: MemoryInboxStore, clock: FakeClock, capacity: int = 10, owner: str = "live") -> Inbox:
    return Inbox(store, clock, Offload(), capacity=capacity, lease_seconds=10, workers=2, owner=owner)


def test_a_full_queue_says_busy_and_keeps_nothing_it_will_not_work() -> None:
    store, clock = MemoryInboxStore(), FakeClock()
    inbox = _inbox(store, clock, capacity=2)
    gate = asyncio.Event()
    ran: list[str] = []

    async def work(item: InboxItem) -> None:
        await gate.wait()
        ran.append(item.payload["text"])

    async def scenario() -> list[Admission]:
        inbox.register("slack", "command", work)
        answers = [await inbox.admit("slack", "command", f"k{n}", {"text": f"c{n}"}) for n in range(3)]
        assert inbox.depth == 2 and store.pending() == 2  # the third was never kept
        gate.set()
        while inbox.depth:
            await asyncio.sleep(0.01)
        assert await inbox.admit("slack", "command", "k3", {"text": "c3"}) is Admission.ADMITTED  # room again
        while inbox.depth:
            await asyncio.sleep(0.01)
        await inbox.stop()
        return answers

    answers = asyncio.run(scenario())
    assert answers == [Admission.ADMITTED, Admission.ADMITTED, Admission.BUSY]
    assert sorted(ran) == ["c0", "c1", "c3"] and store.pending() == 0


def test_the_same_request_twice_is_taken_once() -> None:
    store, clock = MemoryInboxStore(), FakeClock()
    inbox = _inbox(store, clock)
    ran: list[str] = []

    async def work(item: InboxItem) -> None:
        ran.append(item.key)

    async def scenario() -> list[Admission]:
        inbox.register("slack", "command", work)
        answers = [await inbox.admit("slack", "command", "same", {}) for _ in range(2)]
        while inbox.depth:
            await asyncio.sleep(0.01)
        await inbox.stop()
        return answers

    assert asyncio.run(scenario()) == [Admission.ADMITTED, Admission.REPEATED]
    assert ran == ["same"]


def test_what_a_stopped_process_left_runs_once_after_its_lease_and_never_while_it_lives() -> None:
    store, clock = MemoryInboxStore(), FakeClock()
    for n in range(3):  # acknowledged by a process that then died: kept under its lease, never worked
        store.put(InboxItem(f"r{n}", f"k{n}", "slack", "command", {"n": n}), "dead", clock.now() + timedelta(
            seconds=10), clock.now())
    live = _inbox(store, clock)
    ran: list[InboxItem] = []

    async def work(item: InboxItem) -> None:
        ran.append(item)

    async def scenario() -> tuple[int, int, int]:
        live.register("slack", "command", work)
        early = await live.keep()  # the dead process's lease still runs
        clock.advance(seconds=11)
        taken = await live.keep()
        while live.depth:
            await asyncio.sleep(0.01)
        clock.advance(seconds=60)
        again = await live.keep()
        await live.stop()
        return early, taken, again

    assert asyncio.run(scenario()) == (0, 3, 0)
    assert sorted(i.id for i in ran) == ["r0", "r1", "r2"]
    assert all(i.recovered for i in ran) and store.pending() == 0


def test_a_live_process_keeps_its_requests_while_it_works_them() -> None:
    store, clock = MemoryInboxStore(), FakeClock()
    mine, other = _inbox(store, clock, owner="mine"), _inbox(store, clock, owner="other")
    gate = asyncio.Event()
    ran: list[str] = []

    async def work(item: InboxItem) -> None:
        await gate.wait()
        ran.append(item.id)

    async def scenario() -> int:
        mine.register("slack", "command", work)
        other.register("slack", "command", work)
        await mine.admit("slack", "command", "slow", {})
        stolen = 0
        for _ in range(5):  # a minute of slow work: its owner renews the lease, so nobody takes it over
            clock.advance(seconds=5)
            await mine.keep()
            stolen += await other.keep()
        gate.set()
        while mine.depth:
            await asyncio.sleep(0.01)
        await mine.stop()
        await other.stop()
        return stolen

    assert asyncio.run(scenario()) == 0
    assert len(ran) == 1


def test_split_over_processes_the_acknowledging_side_runs_nothing_and_a_command_worker_runs_each_once() -> None:
    """PostgreSQL's `mems serve`: web processes keep requests (the queue's bound counted in the store, shared by
    all of them), command workers claim and run them; a worker takes no more than it works at once."""
    store, clock = MemoryInboxStore(), FakeClock()
    web = [Inbox(store, clock, Offload(), capacity=3, workers=2, owner=f"web{n}", role=Role.ACK) for n in range(2)]
    worker = Inbox(store, clock, Offload(), capacity=3, workers=2, owner="worker", role=Role.WORK,
                   poll_seconds=0.05)
    ran: list[tuple[str, bool]] = []

    async def work(item: InboxItem) -> None:
        ran.append((item.payload["text"], item.recovered))

    async def scenario() -> list[Admission]:
        for inbox in (*web, worker):
            inbox.register("slack", "command", work)
        for inbox in web:
            inbox.start()  # no work, and nothing taken over, where requests are acknowledged
        answers = [await web[n % 2].admit("slack", "command", f"k{n}", {"text": f"c{n}"}) for n in range(4)]
        assert not ran and store.pending() == 3 and not web[0].starts_now  # nothing runs where it is acknowledged
        worker.start()
        for _ in range(200):
            if store.pending() == 0:
                break
            await asyncio.sleep(0.01)
        answers.append(await web[0].admit("slack", "command", "k0", {"text": "again"}))  # Slack's retry of k0
        for inbox in (*web, worker):
            await inbox.stop()
        return answers

    answers = asyncio.run(scenario())
    assert answers == [Admission.ADMITTED] * 3 + [Admission.BUSY, Admission.REPEATED]
    assert sorted(ran) == [("c0", False), ("c1", False), ("c2", False)]  # each once, and none taken for recovered
