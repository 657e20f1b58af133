"""Anomaly alerts: when metrics arrive (and again from the scan), each recent day is judged against the campaign's
own history. A day that moved is kept as an alerted evaluation, with its card, and recorded as AnomalyFound; who
hears of it is the reactions' business. A day already alerted is left alone, so a re-post never alerts twice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.env import Txn
from bot.presenters import anomalies as view
from bot.settings import Settings
from domain import metrics as m
from domain.alerts import Evaluation, Outcome
from domain.anomaly import DAILY, Move, detect
from domain.audit import AuditAction, AuditEntry
from domain.campaign import Campaign
from domain.events import AnomalyFound
from domain.people import Workspace
from domain.ports import UnitOfWork

# What the alert lists as "recent changes": what a marketer would suspect first.
CHANGES = frozenset({AuditAction.BUDGET_APPROVED, AuditAction.APPROVAL_REQUESTED, AuditAction.APPROVAL_REJECTED,
                     AuditAction.BUDGET_SPENT, AuditAction.TASK_DONE, AuditAction.CAMPAIGN_START,
                     AuditAction.CAMPAIGN_PAUSE, AuditAction.CAMPAIGN_MOVED, AuditAction.CAMPAIGN_CREATED})


def first_alert_day(workspace: Workspace, now: datetime, settings: Settings) -> date:
    """Older days are history being loaded, not news: they are stored but never alerted on."""
    return now.astimezone(workspace.tz).date() - timedelta(days=settings.anomaly_lookback_days)


def moves_of(rows: Sequence[m.DailyMetric], day: date) -> list[Move]:
    """The campaign as a whole, and each channel on its own when there are several."""
    found = detect(m.by_day(rows), day)
    channels = {r.channel for r in rows}
    if len(channels) > 1:
        for channel in sorted(channels):
            found += detect(m.by_day(r for r in rows if r.channel == channel), day, channel=channel or "-")
    return found


def recent_changes(uow: UnitOfWork, campaign_id: int, day: date, now: datetime) -> list[AuditEntry]:
    since = min(now - timedelta(days=7), datetime.combine(day, datetime.min.time(), now.tzinfo) - timedelta(days=7))
    return [e for e in uow.audit.for_campaign(campaign_id, since) if e.action in CHANGES][-6:]


@dataclass(frozen=True)
class Stored:
    """What storage already holds of the days being judged: their evaluations, and when each campaign's alerts are
    snoozed until (`snoozes` None: each read when a move needs it). The scan reads both for every campaign at once."""

    evaluations: Mapping[tuple[int, date], Evaluation]
    snoozes: Mapping[int, datetime] | None = None

    def snoozed_until(self, uow: UnitOfWork, campaign_id: int) -> datetime | None:
        return uow.anomalies.snoozed_until(campaign_id) if self.snoozes is None else self.snoozes.get(campaign_id)


def _outcome(uow: UnitOfWork, campaign: Campaign, moves: list[Move], now: datetime, stored: Stored) -> Outcome:
    if not moves:
        return Outcome.QUIET
    if not campaign.is_open:
        return Outcome.CLOSED
    until = stored.snoozed_until(uow, campaign.pk)
    return Outcome.SNOOZED if until is not None and until > now else Outcome.ALERTED


def evaluate(txn: Txn, workspace: Workspace, campaign: Campaign, day: date, rows: Sequence[m.DailyMetric],
             stored: Stored) -> Evaluation:
    """Judge one day (an alerted day is left as it is); an alerted day keeps its card (its copies are updated from it
    later). The verdict is the caller's to keep."""
    uow, now = txn.uow, txn.now
    existing = stored.evaluations.get((campaign.pk, day))
    if existing is not None and existing.outcome is Outcome.ALERTED:
        return existing
    moves = moves_of(rows, day)
    found = Evaluation(workspace.pk, campaign.pk, day, now, _outcome(uow, campaign, moves, now, stored), tuple(moves))
    if found.outcome is Outcome.ALERTED:
        card = view.anomaly_card(campaign, found, recent_changes(uow, campaign.pk, day, now), workspace.tz,
                                 workspace.lang)
        found.card = card.to_dict()
        txn.record(AnomalyFound(campaign, found))
    return found


def days_to_judge(txn: Txn, campaign: Campaign, days: Iterable[date]) -> list[date]:
    """The recent, complete days among `days`, oldest first (today's numbers are partial, never judged)."""
    workspace = txn.workspace_of(campaign.workspace_id)
    first = first_alert_day(workspace, txn.now, txn.deps.settings)
    today = txn.now.astimezone(workspace.tz).date()  # still partial: judged by the scan once it is over
    return [day for day in sorted(set(days)) if first <= day < today]


def window_since(days: Sequence[date]) -> date:
    """The first day the detector looks at to judge `days` (and the day before each, for "did it start today")."""
    return min(days) - timedelta(days=DAILY.window + 1)


def verdicts(txn: Txn, campaign: Campaign, days: Sequence[date], window: Sequence[m.DailyMetric],
             stored: Stored) -> list[Evaluation]:
    """The verdicts on `days` (from days_to_judge) that are new (an alerted day is left alone), unwritten. `window`:
    the campaign's metrics from at least window_since(days)."""
    if not days:
        return []
    workspace = txn.workspace_of(campaign.workspace_id)
    since = window_since(days)
    rows = window if not window or window[0].day >= since else [r for r in window if r.day >= since]
    found = [evaluate(txn, workspace, campaign, day, rows, stored) for day in days]
    return [e for e in found if stored.evaluations.get((e.campaign_id, e.day)) is not e]


def judge(txn: Txn, campaign: Campaign, days: Iterable[date]) -> list[Evaluation]:
    """Judge each recent, complete day among `days` and keep the verdicts; the new ones are returned."""
    judged = days_to_judge(txn, campaign, days)
    if not judged:
        return []
    # Only the window the detector looks at: a campaign of a year has 7,300 rows, of which the detector reads a month.
    rows = txn.uow.metrics.for_campaign(campaign.pk, window_since(judged))
    stored = Stored(txn.uow.anomalies.get_many([(campaign.pk, day) for day in judged]))
    found = verdicts(txn, campaign, judged, rows, stored)
    txn.uow.anomalies.put_many(found)
    return found
