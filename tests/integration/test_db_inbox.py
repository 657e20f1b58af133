"""The inbox in the database: a request's command marks it done in its own transaction, so a request run by two
processes changes things once; two processes taking over a dead one's requests never take the same one."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from adapters.db.migrate import upgrade
from bot.context import Context
from bot.entry import bootstrap
from bot.ports import InboxItem
from domain.people import Platform
from tests.builders import settings


def _container(url: str) -> bootstrap.Container:
    upgrade(url)
    return bootstrap.build(settings(database_url=url))


def test_a_request_run_twice_changes_things_once(database_url: str) -> None:
    container = _container(database_url)
    try:
        store = container.inbox.store
        now = datetime.now(UTC)
        assert store.put(InboxItem("r1", "console:1", "console", "command", {}), "p1", now + timedelta(seconds=10),
                         now)
        ctx = Context(Platform.CONSOLE, "acme", "alice", channel="general", request="r1")
        first = container.bus.execute(ctx, 'new "Alpha"')
        assert not first.is_error and store.pending() == 0  # done in the command's own transaction
        second = container.bus.execute(ctx, 'new "Alpha"')  # another process took it over and runs it again
        assert second.is_error
        with container.uow_factory() as uow:
            workspace = uow.workspaces.by_key(Platform.CONSOLE, "acme")
            assert workspace is not None
            assert [c.name for c in uow.campaigns.list(workspace.pk)] == ["Alpha"]
    finally:
        container.close()


def test_two_processes_never_take_over_the_same_request(database_url: str) -> None:
    container = _container(database_url)
    try:
        store = container.inbox.store
        now = datetime.now(UTC)
        for n in range(60):
            store.put(InboxItem(f"r{n}", f"k{n}", "slack", "command", {"n": n}), "dead", now - timedelta(seconds=1),
                      now - timedelta(seconds=30))
        taken: dict[str, list[str]] = {"a": [], "b": []}
        barrier = threading.Barrier(2)

        def take(owner: str) -> None:
            barrier.wait()
            while found := store.claim(owner, datetime.now(UTC), datetime.now(UTC) + timedelta(seconds=10), 7):
                taken[owner] += [i.id for i in found]

        threads = [threading.Thread(target=take, args=(o,)) for o in taken]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        both = taken["a"] + taken["b"]
        assert sorted(both) == sorted(f"r{n}" for n in range(60))  # each once
        assert store.claim("c", datetime.now(UTC), datetime.now(UTC), 100) == []  # leased now
    finally:
        container.close()


def test_a_request_kept_for_the_command_workers_wakes_them_and_is_claimed_once_as_a_first_attempt(
        database_url: str) -> None:
    """What `mems serve`'s web process keeps (unleased, while fewer than the bound wait; a retry is found) rings the
    workers' bell on PostgreSQL (SQLite: they poll) and is claimed at once, by one of them, as its first run (not
    one taken over from a dead process)."""
    keeper, workers = _container(database_url), [_container(database_url) for _ in range(2)]
    try:
        heard: list[bool] = []
        listening = threading.Thread(target=lambda: heard.append(workers[0].inbox.store.wait(0.3)))
        if not database_url.startswith("sqlite"):
            workers[0].inbox.store.wait(0.01)  # listening from now on
        listening.start()
        now = datetime.now(UTC)
        assert keeper.inbox.store.keep(InboxItem("w1", "slack:w1", "slack", "command", {"text": "help"}), now, now, 2)
        listening.join()
        assert keeper.inbox.store.keep(InboxItem("w2", "slack:w1", "slack", "command", {}), now, now, 2) is False
        assert keeper.inbox.store.keep(InboxItem("w3", "slack:w3", "slack", "command", {}), now, now, 2)
        assert keeper.inbox.store.keep(InboxItem("w4", "slack:w4", "slack", "command", {}), now, now, 2) is None
        assert heard == [not database_url.startswith("sqlite")]
        later = now + timedelta(seconds=1)
        claims = [w.inbox.store.claim(f"worker{n}", later, later + timedelta(seconds=10), 8)
                  for n, w in enumerate(workers)]
        assert sorted(len(c) for c in claims) == [0, 2]  # both kept requests, by one of the two workers
        items = sorted((i for c in claims for i in c), key=lambda i: i.id)
        assert [i.id for i in items] == ["w1", "w3"] and not any(i.recovered for i in items)
        assert items[0].payload == {"text": "help"}
    finally:
        for container in (keeper, *workers):
            container.close()
