"""A campaign's budget ledger from storage alone, for work with or without an actor (chat, scans, API), and the
budget levels its spend has reached."""

from __future__ import annotations

from bot.env import Txn
from domain.alerts import crossed
from domain.approval import ApprovalStatus
from domain.campaign import Campaign
from domain.events import BudgetThresholdReached
from domain.ledger import Ledger
from domain.money import Money, total
from domain.ports import UnitOfWork


def ledger_of(uow: UnitOfWork, c: Campaign) -> Ledger:
    requests = uow.approvals.for_campaign(c.pk)
    currency = c.currency
    pending = [r.amount for r in requests if r.is_open]  # waiting for a decision, or back for changes
    approved = [r.amount for r in requests if r.status is ApprovalStatus.APPROVED]
    entries = [e.amount for e in uow.ledger.for_campaign(c.pk)]
    media = uow.metrics.totals(c.pk).spend
    return Ledger(planned=c.budget, requested=total(pending, currency), approved=total(approved, currency),
                  spent_entries=total(entries, currency), spent_media=Money(media, currency))




def check_thresholds(txn: Txn, campaign: Campaign) -> None:
    """Record BudgetThresholdReached when an open campaign's spend stands at a level (80 %, 100 %) of its approved
    budget. Checked on every spend and metric, and by the scan: the alert's natural key makes each level once."""
    if not campaign.is_open:
        return
    ledger = ledger_of(txn.uow, campaign)
    level = crossed(ledger.used_share, txn.deps.settings.thresholds())
    if level is not None:
        txn.record(BudgetThresholdReached(campaign, level, ledger))
