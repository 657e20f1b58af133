"""The anomaly scan reads and writes for every campaign at once (issue 14: a company's thousand campaigns a day). It
must decide exactly what judging campaign by campaign decides (bot.anomalies.judge and the budget check, as the scan
did before): the same verdicts, the same alerts to the same channels and people, in the same order; nothing twice on a
second run; each workspace's alerts in its own. Seeded on SQLite and PostgreSQL: spikes and drops on one and several
channels, a closed campaign, a snoozed one, a budget at 80 % and one past 100 %, a second workspace."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import select

from adapters.db.engine import make_engine, session_factory
from adapters.db.outbox_store import SqlOutboxStore
from adapters.db.tables import AnomalyEvaluationRow, OutboxRow
from adapters.db.uow import SqlUnitOfWork
from bot import anomalies
from bot.bus import settle
from bot.context import Context
from bot.entry import bootstrap
from bot.env import Txn
from bot.ledgers import check_thresholds
from domain import commands as c
from domain.metrics import DailyMetric
from domain.people import Platform
from tests.builders import settings
from tests.fakes import FakeChatGateway, FakeClock

AT = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 01:00 on the 26th in Shanghai: the 25th is over
TODAY = date(2026, 11, 26)


def say(bot: bootstrap.Container, user: str, text: str, workspace: str = "local", channel: str = "local") -> None:
    reply = bot.bus.execute(Context(Platform.CONSOLE, workspace, user, channel, user_name=user), text)
    assert not reply.is_error, reply.text


def history(workspace_id: int, campaign_id: int, channels: tuple[str, ...], seed: int,
            odd: dict[tuple[date, str], dict[str, Any]]) -> list[DailyMetric]:
    """Forty days of a steady campaign, with `odd` figures on some days and channels."""
    rng = random.Random(seed)
    rows = []
    for n in range(40, 0, -1):
        day = TODAY - timedelta(days=n)
        for channel in channels:
            figures: dict[str, Any] = {
                "spend": Decimal(rng.randint(950, 1050)), "impressions": rng.randint(95_000, 105_000),
                "clicks": rng.randint(1900, 2100), "conversions": rng.randint(76, 84),
                "revenue": Decimal(rng.randint(3900, 4100))}
            figures.update(odd.get((day, channel), {}))
            rows.append(DailyMetric(workspace_id, campaign_id, day, channel, **figures))
    return rows


def seed(bot: bootstrap.Container, new_uow: Any) -> None:
    say(bot, "alice", "role add @mgr manager")
    say(bot, "alice", "role add @fin finance")
    for name in ("Spike", "Drop", "Closed", "Snoozed", "At 80", "Past 100", "Quiet"):
        say(bot, "olive", f'new "{name}" start=2026-10-01 end=2026-12-31')
    say(bot, "mgr", "subscribe all alerts=anomaly,budget", channel="ops")
    for campaign, amount in ((5, 95_000), (6, 30_000)):  # 40 days of about 1,000 a day on each channel
        say(bot, "olive", f"budget request C-{campaign} {amount} media")
    for request in ("A-1", "A-2"):
        say(bot, "mgr", f"approve {request}")
        say(bot, "fin", f"approve {request}")
    say(bot, "olive", "snooze C-4")
    say(bot, "olive", "cancel C-3 confirm")
    say(bot, "bob", 'new "Elsewhere"', workspace="other")  # C-8, another workspace
    with new_uow() as uow:
        here = uow.workspaces.by_key(Platform.CONSOLE, "local").pk
        there = uow.workspaces.by_key(Platform.CONSOLE, "other").pk

        def d(days: int) -> date:
            return TODAY - timedelta(days=days)

        rows = [*history(here, 1, ("search", "social"), 1, {(d(days=3), "social"): {"spend": Decimal(4000)},
                                                             (d(days=1), "search"): {"conversions": 5}}),
                *history(here, 2, ("",), 2, {(d(days=1), ""): {"clicks": 300, "conversions": 10}}),
                *history(here, 3, ("",), 3, {(d(days=2), ""): {"spend": Decimal(5000)}}),
                *history(here, 4, ("",), 4, {(d(days=1), ""): {"spend": Decimal(5000)}}),
                *history(here, 5, ("search", "video"), 5, {}),
                *history(here, 6, ("",), 6, {(d(days=5), ""): {"conversions": 400}}),
                *history(here, 7, ("",), 7, {}),
                *history(there, 8, ("",), 8, {(d(days=2), ""): {"spend": Decimal(6000)}})]
        uow.metrics.put_many(rows)  # as a bulk load would: no event, every day still to be judged
        uow.commit()


def campaign_by_campaign(txn: Txn, at: datetime) -> None:
    """The scan as it judged before reading for every campaign at once: each campaign's days, then its budget."""
    pending: dict[int, list[date]] = defaultdict(list)
    lookback = txn.deps.settings.anomaly_lookback_days + 1
    for campaign_id, day in txn.uow.anomalies.unevaluated(at.date() - timedelta(days=lookback)):
        pending[campaign_id].append(day)
    for campaign_id, days in pending.items():
        campaign = txn.uow.campaigns.get(campaign_id, None)
        assert campaign is not None
        anomalies.judge(txn, campaign, days)
        check_thresholds(txn, campaign)


def written(uow: SqlUnitOfWork, since: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    session = uow.session
    session.flush()
    verdicts = session.exec(select(AnomalyEvaluationRow.workspace_id, AnomalyEvaluationRow.campaign_id,
                                   AnomalyEvaluationRow.day, AnomalyEvaluationRow.outcome, AnomalyEvaluationRow.moves,
                                   AnomalyEvaluationRow.card)
                            .order_by(AnomalyEvaluationRow.campaign_id, AnomalyEvaluationRow.day)).all()
    outbox = session.exec(select(OutboxRow.workspace_id, OutboxRow.key, OutboxRow.kind, OutboxRow.payload)
                          .where(OutboxRow.created_at >= since).order_by(OutboxRow.id)).all()
    return [tuple(v) for v in verdicts], [tuple(o) for o in outbox]


def test_the_batched_scan_raises_exactly_the_alerts_of_judging_campaign_by_campaign(database_url: str,
                                                                                    engine: object) -> None:
    db = make_engine(database_url)
    sessions = session_factory(db)
    bot = bootstrap.build(settings(admins="console:alice"), clock=FakeClock(AT - timedelta(hours=2)),
                          uow_factory=lambda: SqlUnitOfWork(sessions), outbox=SqlOutboxStore(sessions),
                          gateways={Platform.CONSOLE: FakeChatGateway()})
    try:
        seed(bot, lambda: SqlUnitOfWork(sessions))
        # Campaign by campaign, in a transaction that is then rolled back: what it would have written.
        with SqlUnitOfWork(sessions) as uow:
            txn = Txn(uow, AT, bot.bus.deps)
            campaign_by_campaign(txn, AT)
            settle(txn)
            expected = written(uow, AT)
        assert bot.bus.run_system(c.ScanAnomalies(at=AT)).error is None
        with SqlUnitOfWork(sessions) as uow:
            actual = written(uow, AT)
        verdicts, outbox = expected
        assert actual == expected
        # The seeded set says something: every kind of verdict, alerts in both workspaces, both budget levels.
        outcomes = {(campaign, outcome) for _, campaign, _, outcome, *_ in verdicts if outcome != "quiet"}
        assert {outcome for _, outcome in outcomes} == {"alerted", "closed", "snoozed"}
        assert {campaign for campaign, outcome in outcomes if outcome == "alerted"} >= {1, 2, 6, 8}
        assert {workspace for workspace, _, kind, _ in outbox if kind == "anomaly"} == {v[0] for v in verdicts}
        assert sorted(key.split(":")[1:3] for _, key, kind, _ in outbox if kind == "budget.threshold"
                      and key.endswith(":local")) == [["C-5", "80%"], ["C-6", "100%"]]
        # A second run finds nothing left to judge and alerts nothing again.
        result = bot.bus.run_system(c.ScanAnomalies(at=AT + timedelta(minutes=5)))
        assert result.error is None and result.written == 0
        with SqlUnitOfWork(sessions) as uow:
            assert written(uow, AT) == actual
    finally:
        bot.close()
        db.dispose()
