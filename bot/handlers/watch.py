"""Handlers for anomaly alerts (acknowledge, snooze) and the watch's scans, which the scheduler sends."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from bot import watch
from bot.cards import Card, Reply, Tone, text_card
from bot.env import Env
from bot.handlers import common
from bot.handlers.system import Scan
from bot.i18n import tr
from bot.notify import update_copies
from bot.presenters import fmt
from bot.presenters import watch as view
from domain import authz
from domain import commands as c
from domain.alerts import Evaluation, Outcome, Snooze, alert_ref
from domain.audit import AuditAction
from domain.campaign import OPEN
from domain.errors import InvalidInput


def _alerted(env: Env, campaign_id: int, day: date) -> Evaluation:
    found = env.uow.anomalies.get(campaign_id, day)
    if found is None or found.outcome is not Outcome.ALERTED or found.card is None:
        raise InvalidInput("alert", "not_an_alert", value=alert_ref(campaign_id, day))
    return found


def ack(cmd: c.Acknowledge, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    found = _alerted(env, cmd.campaign, cmd.day)
    assert found.card is not None
    if found.acknowledged_by is not None:
        return Reply(text_card(tr(env.lang, "label.already_acknowledged", ref=found.ref,
                                  user=fmt.mention(found.acknowledged_by, env.lang),
                                  at=fmt.moment(found.acknowledged_at, env.actor.tz, env.lang))))
    found.acknowledged_by, found.acknowledged_at = env.actor.user, env.now
    env.uow.anomalies.put(found)
    common.audit(env, campaign.ref, AuditAction.ANOMALY_ACKNOWLEDGED, campaign.id, day=cmd.day.isoformat())
    workspace = env.actor.workspace
    sent = Card.from_dict(found.card)
    update_copies(env, found.ref, lambda lang: view.acknowledged(sent, env.actor.user, env.now, workspace.tz, lang), 1)
    return Reply(view.acknowledged(Card.from_dict(found.card), env.actor.user, env.now, env.actor.tz, env.lang),
                 public=True)


def snooze(cmd: c.SnoozeAlerts, env: Env) -> Reply:
    campaign = common.campaign(env, cmd.campaign)
    authz.require("snooze", env.actor.member, authz.RUN_CAMPAIGN, campaign)
    until = env.now + timedelta(hours=cmd.hours)
    env.uow.anomalies.snooze(Snooze(env.workspace_id, cmd.campaign, until, env.actor.user, env.now))
    common.audit(env, campaign.ref, AuditAction.ANOMALY_SNOOZED, campaign.id, until=until.isoformat(), hours=cmd.hours)
    workspace = env.actor.workspace
    if cmd.day is not None:
        found = _alerted(env, cmd.campaign, cmd.day)
        assert found.card is not None
        sent, open_ = Card.from_dict(found.card), found.acknowledged_by is None
        update_copies(env, found.ref, lambda lang: view.with_note(
            sent, view.snoozed_note(campaign.ref, env.actor.user, until, workspace.tz, lang), keep_buttons=open_),
            int(env.now.timestamp()))
    text = view.snoozed_note(campaign.ref, env.actor.user, until, env.actor.tz, env.lang)
    return Reply(text_card(text, Tone.INFO), public=True)


def scan_anomalies(cmd: c.ScanAnomalies, scan: Scan) -> None:
    """The safety net: any recent day with metrics that was never judged (a crash, a failed commit)."""
    pending: dict[int, list[date]] = defaultdict(list)
    lookback = scan.deps.settings.anomaly_lookback_days + 1  # +1: a day ahead of UTC in any time zone
    for campaign_id, day in scan.uow.anomalies.unevaluated(cmd.at.date() - timedelta(days=lookback)):
        pending[campaign_id].append(day)
    for campaign_id, days in pending.items():
        campaign = scan.uow.campaigns.get(campaign_id, None)
        workspace = scan.workspace(campaign.workspace_id) if campaign else None
        if campaign is None or workspace is None:
            continue
        found = watch.after_ingest(scan.uow, workspace, campaign, days, cmd.at, scan.deps.settings)
        for evaluation in found:
            scan.count(evaluation.outcome is Outcome.ALERTED)


def scan_budgets(cmd: c.ScanBudgets, scan: Scan) -> None:
    """The safety net for budget.threshold: every open campaign, every workspace; keys keep it to once."""
    for workspace in scan.uow.workspaces.all():
        for campaign in scan.uow.campaigns.list(workspace.pk, OPEN):
            scan.count(watch.check_budget(scan.uow, workspace, campaign, cmd.at, scan.deps.settings) is not None)
