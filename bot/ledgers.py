"""A campaign's budget ledger from storage alone, for work with or without an actor (chat, scans, API), and the
budget levels its spend has reached."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.env import Txn
from domain.alerts import crossed
from domain.approval import ApprovalRequest, ApprovalStatus
from domain.campaign import Campaign
from domain.events import BudgetThresholdReached
from domain.ledger import Ledger, SpendEntry
from domain.money import Money, total
from domain.ports import UnitOfWork


def ledger_of(uow: UnitOfWork, c: Campaign) -> Ledger:
    return _ledger(c, uow.approvals.for_campaign(c.pk), uow.ledger.for_campaign(c.pk), uow.metrics.totals(c.pk).spend)


def ledgers_of(uow: UnitOfWork, campaigns: Sequence[Campaign]) -> dict[int, Ledger]:
    """`ledger_of` each, in three reads however many campaigns (a scan's thousand)."""
    ids = [c.pk for c in campaigns]
    requests, entries = uow.approvals.for_campaigns(ids), uow.ledger.for_campaigns(ids)
    totals = uow.metrics.totals_of(ids)
    return {c.pk: _ledger(c, requests[c.pk], entries[c.pk], totals[c.pk].spend) for c in campaigns}


def _ledger(c: Campaign, requests: Sequence[ApprovalRequest], entries: Sequence[SpendEntry], media: Decimal) -> Ledger:
    currency = c.currency
    pending = [r.amount for r in requests if r.is_open]  # waiting for a decision, or back for changes
    approved = [r.amount for r in requests if r.status is ApprovalStatus.APPROVED]
    return Ledger(planned=c.budget, requested=total(pending, currency), approved=total(approved, currency),
                  spent_entries=total([e.amount for e in entries], currency), spent_media=Money(media, currency))


def check_thresholds(txn: Txn, campaign: Campaign, ledger: Ledger | None = None) -> None:
    """Record BudgetThresholdReached when an open campaign's spend stands at a level (80 %, 100 %) of its approved
    budget. Checked on every spend and metric, and by the scan: the alert's natural key makes each level once.
    `ledger`: the campaign's, when the caller read it already (with others')."""
    if not campaign.is_open:
        return
    ledger = ledger if ledger is not None else ledger_of(txn.uow, campaign)
    level = crossed(ledger.used_share, txn.deps.settings.thresholds())
    if level is not None:
        txn.record(BudgetThresholdReached(campaign, level, ledger))
