"""Budget alerts: spend or metrics arriving may bring spend to a level of the approved budget; each level is told
once per approved amount (a new approved amount starts the levels afresh), to the campaign's channels and, by
direct message, its owner."""

from __future__ import annotations

from bot.env import Txn
from bot.ledgers import check_thresholds
from bot.outbox import Notice, post_all
from bot.presenters import budget as view
from bot.reactions.audience import channels
from domain import events as e
from domain.notifications import AlertKind


def check_budget(event: e.SpendRecorded | e.MetricsRecorded, txn: Txn) -> None:
    check_thresholds(txn, event.campaign)


def post_threshold(event: e.BudgetThresholdReached, txn: Txn) -> None:
    campaign, ledger, level = event.campaign, event.ledger, event.level
    workspace = txn.workspace_of(campaign.workspace_id)
    pacing = ledger.pacing(campaign.pacing_days(), txn.now.astimezone(workspace.tz).date())
    notice = Notice(AlertKind.BUDGET_THRESHOLD, lambda lang: view.threshold_card(campaign, ledger, pacing, level, lang),
                    campaign.ref, f"{level}%:{ledger.approved.amount}")
    owner = txn.member(workspace, campaign.owner)
    post_all(txn, workspace, [*channels(txn, workspace, campaign, AlertKind.BUDGET_THRESHOLD), owner], notice)
