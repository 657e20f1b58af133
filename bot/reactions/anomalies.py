"""Anomaly alerts: new metrics get their recent days judged (bot/anomalies.py); an alert goes to the campaign's
channels, its copies filed under the alert so that acknowledging or snoozing it updates exactly those."""

from __future__ import annotations

from bot import anomalies
from bot.cards import Card
from bot.env import Txn
from bot.outbox import EVERY_COPY, Notice, post, post_all, same_card
from bot.presenters import anomalies as view
from bot.reactions.audience import channels
from domain import events as e
from domain.alerts import Evaluation
from domain.notifications import AlertKind


def _sent(evaluation: Evaluation | None) -> Card | None:
    """The alert card as it went out."""
    return Card.from_dict(evaluation.card) if evaluation is not None and evaluation.card is not None else None


def judge_days(event: e.MetricsRecorded, txn: Txn) -> None:
    anomalies.judge(txn, event.campaign, event.days)


def post_alert(event: e.AnomalyFound, txn: Txn) -> None:
    campaign, found = event.campaign, event.evaluation
    card = _sent(found)
    if card is None:
        return
    workspace = txn.workspace_of(campaign.workspace_id)
    notice = Notice(AlertKind.ANOMALY, same_card(card), found.ref, found.day.isoformat(), keyed_as=campaign.ref)
    post_all(txn, workspace, channels(txn, workspace, campaign, AlertKind.ANOMALY), notice)


def show_acknowledged(event: e.AnomalyAcknowledged, txn: Txn) -> None:
    sent = _sent(event.evaluation)
    if sent is None:
        return
    workspace = txn.workspace_of(event.campaign.workspace_id)
    notice = Notice(AlertKind.CARD_UPDATE, lambda lang: view.acknowledged(sent, event.by, event.at, workspace.tz, lang),
                    event.evaluation.ref, "v1")
    post(txn, workspace, EVERY_COPY, notice)


def show_snoozed(event: e.AnomalyAlertsSnoozed, txn: Txn) -> None:
    """The alert the Snooze was pressed on says so; its buttons stay while nobody has acknowledged it."""
    found, sent = event.evaluation, _sent(event.evaluation)
    if found is None or sent is None:
        return
    workspace = txn.workspace_of(event.campaign.workspace_id)
    still_open = found.acknowledged_by is None

    def card(lang: str) -> Card:
        note = view.snoozed_note(event.campaign.ref, event.by, event.until, workspace.tz, lang)
        return view.with_note(sent, note, keep_buttons=still_open)

    post(txn, workspace, EVERY_COPY, Notice(AlertKind.CARD_UPDATE, card, found.ref, f"v{int(txn.now.timestamp())}"))
