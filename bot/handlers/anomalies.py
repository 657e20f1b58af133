"""Handlers for anomaly alerts: acknowledge, snooze, and the scan that judges days never judged."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from bot import anomalies
from bot.cards import Card, Reply, Tone, text_card
from bot.env import Env, Txn
from bot.handlers import common
from bot.i18n import tr
from bot.ledgers import check_thresholds
from bot.presenters import anomalies as view
from bot.presenters import fmt
from domain import authz
from domain import commands as c
from domain import events as e
from domain.alerts import Evaluation, Outcome, Snooze, alert_ref
from domain.anomaly import DAILY
from domain.audit import AuditAction
from domain.errors import InvalidInput


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
    """The safety net: any recent day with metrics that was never judged (a crash, a failed commit)."""
    pending: dict[int, list[date]] = defaultdict(list)
    lookback = txn.deps.settings.anomaly_lookback_days + 1  # +1: a day ahead of UTC in any time zone
    for campaign_id, day in txn.uow.anomalies.unevaluated(cmd.at.date() - timedelta(days=lookback)):
        pending[campaign_id].append(day)
    # Every campaign and its metric window in one read each (a company's daily scan judges a thousand campaigns):
    # from the look-back's first day less the detector's window, which covers every day judged here.
    campaigns = {found.pk: found for found in txn.uow.campaigns.many(list(pending))}
    since = cmd.at.date() - timedelta(days=lookback + DAILY.window + 1)
    windows = txn.uow.metrics.for_campaigns(list(campaigns), since) if campaigns else {}
    for campaign_id, days in pending.items():
        campaign = campaigns.get(campaign_id)
        if campaign is None or txn.workspace(campaign.workspace_id) is None:
            continue
        anomalies.judge(txn, campaign, days, windows.get(campaign_id, []))
        check_thresholds(txn, campaign)
