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
