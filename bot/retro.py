"""Gathering a campaign's retrospective: its metrics, ledger, tasks, anomalies and what changed around them, its A/B
tests and the team's notes, read once for the card, the Markdown export and the post on completion."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot import experiments, stats
from bot.anomalies import CHANGES
from bot.ledgers import ledger_of
from domain.abtest import Experiment
from domain.alerts import Evaluation, Outcome
from domain.audit import AuditEntry
from domain.campaign import Campaign
from domain.ledger import Ledger
from domain.metrics import DailyMetric
from domain.ports import UnitOfWork
from domain.retro import RetroNote
from domain.task import Task


@dataclass(frozen=True)
class Retro:
    campaign: Campaign
    rows: Sequence[DailyMetric]
    ledger: Ledger
    tasks: Sequence[Task]
    anomalies: Sequence[tuple[Evaluation, Sequence[AuditEntry]]]  # each alerted day, with the changes around it
    tests: Sequence[tuple[Experiment, stats.Result]]
    notes: Sequence[RetroNote]
    now: datetime


def gather(uow: UnitOfWork, campaign: Campaign, now: datetime) -> Retro:
    rows = uow.metrics.for_campaign(campaign.pk)
    alerted = []
    for day in sorted({r.day for r in rows}):
        found = uow.anomalies.get(campaign.pk, day)
        if found is not None and found.outcome in (Outcome.ALERTED, Outcome.SNOOZED):
            alerted.append(found)
    trail = uow.audit.for_campaign(campaign.pk) if alerted else []
    anomalies = []
    for evaluation in alerted:
        start = datetime.combine(evaluation.day, datetime.min.time(), UTC) - timedelta(days=7)
        end = datetime.combine(evaluation.day, datetime.min.time(), UTC) + timedelta(days=2)
        around = [e for e in trail if e.action in CHANGES and start <= e.at < end][-6:]
        anomalies.append((evaluation, around))
    tests = [(t, experiments.result(uow, t)) for t in uow.experiments.for_campaign(campaign.pk)]
    return Retro(campaign, rows, ledger_of(uow, campaign), uow.tasks.for_campaign(campaign.pk), anomalies, tests,
                 uow.retros.notes(campaign.pk), now)
