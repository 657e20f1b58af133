"""The campaign watch: when metrics or spend arrive, and again from the scans, judge recent days against
the campaign's own history and check spend against the approved budget. Alerts are outbox rows written
in the caller's transaction, with natural keys, so nothing is lost and nothing is sent twice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from bot.cards import Card
from bot.identity import ensure_member
from bot.ledgers import ledger_of
from bot.notify import channels_for, to_channel, to_user
from bot.presenters import watch as view
from bot.settings import Settings
from domain import metrics as m
from domain.alerts import Evaluation, Outcome, crossed
from domain.anomaly import Move, detect
from domain.audit import AuditEntry
from domain.campaign import Campaign
from domain.notifications import AlertKind, OutboxMessage, Target, TargetKind, key
from domain.people import Workspace
from domain.ports import UnitOfWork

CHANGES = frozenset({"budget.approved", "approval.requested", "approval.rejected", "budget.spent", "task.done",
                     "campaign.start", "campaign.pause", "campaign.moved", "campaign.created"})


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


def _post(uow: UnitOfWork, workspace: Workspace, channel: str, card: Card, ref: str, day: date,
          campaign: Campaign, now: datetime) -> None:
    """Like notify.to_channel, but the copies are filed under the alert's ref so Acknowledge updates only them."""
    target = Target(TargetKind.CHANNEL, channel)
    uow.outbox.add(OutboxMessage(key=key(AlertKind.ANOMALY.value, campaign.ref, day.isoformat(), target),
                                 kind=AlertKind.ANOMALY.value, workspace_id=workspace.pk, target=target,
                                 payload=card.to_dict(), created_at=now, not_before=now, entity=ref))


def _outcome(uow: UnitOfWork, campaign: Campaign, moves: list[Move], now: datetime) -> Outcome:
    if not moves:
        return Outcome.QUIET
    if not campaign.is_open:
        return Outcome.CLOSED
    until = uow.anomalies.snoozed_until(campaign.pk)
    return Outcome.SNOOZED if until is not None and until > now else Outcome.ALERTED


def evaluate(uow: UnitOfWork, workspace: Workspace, campaign: Campaign, day: date, now: datetime,
             rows: Sequence[m.DailyMetric]) -> Evaluation:
    """Judge one day; a day that already alerted is left alone, so a re-post never alerts twice."""
    existing = uow.anomalies.get(campaign.pk, day)
    if existing is not None and existing.outcome is Outcome.ALERTED:
        return existing
    moves = moves_of(rows, day)
    found = Evaluation(workspace.pk, campaign.pk, day, now, _outcome(uow, campaign, moves, now), tuple(moves))
    if found.outcome is Outcome.ALERTED:
        card = view.anomaly_card(campaign, found, recent_changes(uow, campaign.pk, day, now), workspace.tz,
                                 workspace.lang)
        found.card = card.to_dict()
        for channel in channels_for(uow, workspace, campaign.home_channel, AlertKind.ANOMALY.value, campaign.pk):
            _post(uow, workspace, channel, card, found.ref, day, campaign, now)
    uow.anomalies.put(found)
    return found


def check_budget(uow: UnitOfWork, workspace: Workspace, campaign: Campaign, now: datetime,
                 settings: Settings) -> int | None:
    """A budget.threshold alert when spend reaches a level (80 %, 100 %) of the approved budget: once per
    level and approved amount, to the home channel (and subscribers) and the owner. Returns the level when
    this call wrote the alert, None when no level is reached or it had gone out already."""
    ledger = ledger_of(uow, campaign)
    level = crossed(ledger.used_share, settings.thresholds())
    if level is None or not campaign.is_open:
        return None
    kind = AlertKind.BUDGET_THRESHOLD.value
    period = f"{level}%:{ledger.approved.amount}"  # a new approved amount starts the levels afresh
    pacing = ledger.pacing(campaign.days(), now.astimezone(workspace.tz).date())
    card = view.budget_card(campaign, ledger, pacing, level, workspace.lang)
    stored = [to_channel(uow, workspace, channel, kind, card, campaign.ref, period, now)
              for channel in channels_for(uow, workspace, campaign.home_channel, kind, campaign.id)]
    owner = ensure_member(uow, workspace, campaign.owner, settings, now)
    stored.append(to_user(uow, workspace, owner, kind,
                          lambda lang: view.budget_card(campaign, ledger, pacing, level, lang),
                          campaign.ref, period, now))
    return level if any(stored) else None


def after_ingest(uow: UnitOfWork, workspace: Workspace, campaign: Campaign, days: Iterable[date], now: datetime,
                 settings: Settings) -> list[Evaluation]:
    """What new metrics set off: each recent day judged (oldest first), then the budget levels."""
    rows = uow.metrics.for_campaign(campaign.pk)
    first = first_alert_day(workspace, now, settings)
    found = [evaluate(uow, workspace, campaign, day, now, rows) for day in sorted(set(days)) if day >= first]
    check_budget(uow, workspace, campaign, now, settings)
    return found
