"""Anomaly alerts: when metrics arrive (and again from the scan), each recent day is judged against the campaign's
own history. A day that moved is kept as an alerted evaluation, with its card, and recorded as AnomalyFound; who
hears of it is the reactions' business. A day already alerted is left alone, so a re-post never alerts twice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def _outcome(uow: UnitOfWork, campaign: Campaign, moves: list[Move], now: datetime) -> Outcome:
    if not moves:
        return Outcome.QUIET
    if not campaign.is_open:
        return Outcome.CLOSED
    until = uow.anomalies.snoozed_until(campaign.pk)
    return Outcome.SNOOZED if until is not None and until > now else Outcome.ALERTED


def evaluate(txn: Txn, workspace: Workspace, campaign: Campaign, day: date,
             rows: Sequence[m.DailyMetric]) -> Evaluation:
    """Judge one day and keep the verdict; an alerted day keeps its card (its copies are updated from it later)."""
    uow, now = txn.uow, txn.now
    existing = uow.anomalies.get(campaign.pk, day)
    if existing is not None and existing.outcome is Outcome.ALERTED:
        return existing
    moves = moves_of(rows, day)
    found = Evaluation(workspace.pk, campaign.pk, day, now, _outcome(uow, campaign, moves, now), tuple(moves))
    if found.outcome is Outcome.ALERTED:
        card = view.anomaly_card(campaign, found, recent_changes(uow, campaign.pk, day, now), workspace.tz,
                                 workspace.lang)
        found.card = card.to_dict()
        txn.record(AnomalyFound(campaign, found))
    uow.anomalies.put(found)
    return found


def judge(txn: Txn, campaign: Campaign, days: Iterable[date],
          window: Sequence[m.DailyMetric] | None = None) -> list[Evaluation]:
    """Each recent, complete day among `days`, oldest first (today's numbers are partial, never judged). `window`:
    the campaign's metrics already read, from at least the detector's window before the first day judged."""
    workspace = txn.workspace_of(campaign.workspace_id)
    first = first_alert_day(workspace, txn.now, txn.deps.settings)
    judged = [day for day in days if day >= first]
    # Only the window the detector looks at (and the day before each day, for "did it start today"): a campaign
    # of a year has 7,300 rows, of which the detector reads a month.
    since = min(judged) - timedelta(days=DAILY.window + 1) if judged else first
    rows = window if window is not None else txn.uow.metrics.for_campaign(campaign.pk, since)
    today = txn.now.astimezone(workspace.tz).date()  # still partial: judged by the scan once it is over
    return [evaluate(txn, workspace, campaign, day, rows) for day in sorted(set(days)) if first <= day < today]
