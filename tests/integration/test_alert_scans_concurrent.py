"""Two schedulers scanning the same database at once (separate engines, separate threads): every alert is
written once, and two delivery workers then send each exactly once."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from adapters.db.engine import make_engine, session_factory
from adapters.db.outbox_store import SqlOutboxStore
from adapters.db.tables import OutboxRow
from adapters.db.uow import SqlUnitOfWork
from bot.context import Context
from bot.entry import bootstrap
from domain import commands as c
from domain.people import Platform
from tests.builders import settings
from tests.fakes import FakeChatGateway, FakeClock

AT = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: the digest is due too
SCANS = (c.ScanDeadlines, c.ScanApprovals, c.SendDigests)


def container(url: str, gateway: FakeChatGateway) -> bootstrap.Container:
    engine = make_engine(url)
    sessions = session_factory(engine)
    built = bootstrap.build(settings(admins="console:alice"), clock=FakeClock(AT),
                            uow_factory=lambda: SqlUnitOfWork(sessions), outbox=SqlOutboxStore(sessions),
                            gateways={Platform.CONSOLE: gateway})
    built.closers.append(engine.dispose)
    return built


def seed(bot: bootstrap.Container) -> None:
    def say(user: str, text: str, channel: str = "local") -> None:
        reply = bot.bus.execute(Context(Platform.CONSOLE, "local", user, channel, user_name=user), text)
        assert not reply.is_error, reply.text

    say("alice", "role add @mia manager")
    say("olive", 'new "Spring Launch"')
    say("mia", "subscribe all alerts=deadline,digest", channel="ops")
    for n in range(15):
        say("olive", f'task add C-1 "Late {n}" @u{n} due=2026-11-22')  # overdue and escalated
        say("olive", f'task add C-1 "Soon {n}" @u{n} due=2026-11-26T20:00')
    say("olive", "budget request C-1 5000 venue")


def test_two_schedulers_at_once_write_and_send_every_alert_exactly_once(database_url: str, engine: object) -> None:
    gateways = [FakeChatGateway(), FakeChatGateway()]
    bots = [container(database_url, g) for g in gateways]
    try:
        seed(bots[0])
        asyncio.run(bots[0].delivery.drain())  # assignment notices and the approval card
        for g in gateways:
            g.sent.clear()
        barrier = threading.Barrier(2)
        errors: list[str] = []

        def scheduler(bot: bootstrap.Container) -> None:
            for minute in range(0, 30, 5):  # six runs of every scan, side by side with the other scheduler
                barrier.wait()
                for scan in SCANS:
                    result = bot.bus.run_system(scan(AT + timedelta(hours=24, minutes=minute)))
                    if result.error:
                        errors.append(result.error)

        threads = [threading.Thread(target=scheduler, args=(bot,)) for bot in bots]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors

        async def both() -> list[int]:
            return list(await asyncio.gather(*(bot.delivery.drain() for bot in bots)))

        for bot in bots:
            bot.clock.at = AT + timedelta(hours=25)  # type: ignore[attr-defined]
        asyncio.run(both())
    finally:
        for bot in bots:
            bot.close()
    with session_factory(make_engine(database_url))() as session:
        rows = session.exec(select(OutboxRow.kind, OutboxRow.status)).all()
    scanned = Counter(kind for kind, _ in rows if kind not in ("notice", "approval.pending"))
    assert scanned == {"deadline.overdue": 30, "deadline.escalate": 30, "deadline.soon": 15,
                       "approval.reminder": 1, "digest": 1}  # 15 tasks x (home, ops); x (olive, mia); ...
    assert {status for _, status in rows} == {"sent"}
    cards = [card for g in gateways for _, card, _ in g.sent]
    alerts = sum(int(card.title.split()[0]) if card.title.endswith(" alerts") else 1 for card in cards)
    assert alerts == sum(scanned.values())  # each alert went out once, alone or in a folded card
