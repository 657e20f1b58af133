"""Handlers for anomaly alerts: acknowledge, snooze, and the scan that judges days never judged."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from bot import anomalies
from bot.cards import Card, Reply, Tone, text_card
from bot.env import Env, Txn
from bot.handlers import common
from bot.i18n import tr
from bot.ledgers import check_thresholds, ledgers_of
from bot.presenters import anomalies as view
from bot.presenters import fmt
from domain import authz
from domain import commands as c
from domain import events as e
from domain.alerts import Evaluation, Outcome, Snooze, alert_ref
from domain.audit import AuditAction
from domain.errors import InvalidInput
from domain.metrics import DailyMetric


def _alerted(env: Env, campaign_id: int, day: date) -> tuple[Evaluation, Card]:
    found = env.uow.anomalies.get(campaign_id, day)
    if found is None or found.outcome is not Outcome.ALERTED or found.card is None:
        raise InvalidInput("alert", "not_an_alert", value=alert_ref(campaign_id, day))
    return found, Card.from_dict(found.card)


def ack(cmd: c.Acknowledge, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    found, sent = _alerted(env, cmd.campaign, cmd.day)
    if found.acknowledged_by is not None:
        return Reply(text_card(tr(env.lang, "label.already_acknowledged", ref=found.ref,
                                  user=fmt.mention(found.acknowledged_by, env.lang),
                                  at=fmt.moment(found.acknowledged_at, env.actor.tz, env.lang))))
    found.acknowledged_by, found.acknowledged_at = env.actor.user, env.now
    env.uow.anomalies.put(found)
    common.audit(env, campaign.ref, AuditAction.ANOMALY_ACKNOWLEDGED, campaign.pk, day=cmd.day.isoformat())
    env.record(e.AnomalyAcknowledged(campaign, found, env.actor.user, env.now))
    return Reply(view.acknowledged(sent, env.actor.user, env.now, env.actor.tz, env.lang), public=True)


def snooze(cmd: c.SnoozeAlerts, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    authz.require("snooze", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    until = env.now + timedelta(hours=cmd.hours)
    env.uow.anomalies.snooze(Snooze(env.workspace_id, cmd.campaign, until, env.actor.user, env.now))
    common.audit(env, campaign.ref, AuditAction.ANOMALY_SNOOZED, campaign.pk, until=until.isoformat(),
                 hours=cmd.hours)
    pressed_on = _alerted(env, cmd.campaign, cmd.day)[0] if cmd.day is not None else None
    env.record(e.AnomalyAlertsSnoozed(campaign, until, env.actor.user, pressed_on))
    text = view.snoozed_note(campaign.ref, env.actor.user, until, env.actor.tz, env.lang)
    return Reply(text_card(text, Tone.INFO), public=True)


def scan(cmd: c.ScanAnomalies, txn: Txn) -> None:
    """The safety net: any recent day with metrics that was never judged (a crash, a failed commit). A company's
    daily scan judges a thousand campaigns, so everything is read for all of them at once (the campaigns, their
    metric windows, what is stored of the days, their ledgers) and the verdicts written in one statement: each
    campaign is judged exactly as on its own (bot.anomalies.judge), in a few round trips in all rather than seven
    per campaign."""
    pending: dict[int, list[date]] = defaultdict(list)
    lookback = txn.deps.settings.anomaly_lookback_days + 1  # +1: a day ahead of UTC in any time zone
    for campaign_id, day in txn.uow.anomalies.unevaluated(cmd.at.date() - timedelta(days=lookback)):
        pending[campaign_id].append(day)
    found = {campaign.pk: campaign for campaign in txn.uow.campaigns.many(list(pending))}
    campaigns = [found[i] for i in pending if i in found and txn.workspace(found[i].workspace_id) is not None]
    days = {campaign.pk: anomalies.days_to_judge(txn, campaign, pending[campaign.pk]) for campaign in campaigns}
    keys = [(campaign_id, day) for campaign_id, judged in days.items() for day in judged]
    windows: dict[int, list[DailyMetric]] = {}
    stored = anomalies.Stored({}, {})
    if keys:
        # From the earliest day any campaign's detector looks at; each campaign then keeps its own window.
        since = anomalies.window_since([day for _, day in keys])
        windows = txn.uow.metrics.for_campaigns([campaign_id for campaign_id in days if days[campaign_id]], since)
        stored = anomalies.Stored(txn.uow.anomalies.get_many(keys), txn.uow.anomalies.snoozed(list(days)))
    ledgers = ledgers_of(txn.uow, [campaign for campaign in campaigns if campaign.is_open])
    verdicts: list[Evaluation] = []
    for campaign in campaigns:  # in the order of old, campaign by campaign: the same alerts in the same order
        if days[campaign.pk]:
            verdicts += anomalies.verdicts(txn, campaign, days[campaign.pk], windows[campaign.pk], stored)
        check_thresholds(txn, campaign, ledgers.get(campaign.pk))
    txn.uow.anomalies.put_many(verdicts)
