"""A campaign's budget ledger from storage alone, for work with or without an actor (chat, scans, API)."""

from __future__ import annotations

from domain.approval import ApprovalStatus
from domain.campaign import Campaign
from domain.ledger import Ledger
from domain.metrics import totals
from domain.money import Money, total
from domain.ports import UnitOfWork


def ledger_of(uow: UnitOfWork, c: Campaign) -> Ledger:
    requests = uow.approvals.for_campaign(c.pk)
    currency = c.currency
    pending = [r.amount for r in requests if r.status is ApprovalStatus.PENDING]
    approved = [r.amount for r in requests if r.status is ApprovalStatus.APPROVED]
    entries = [e.amount for e in uow.ledger.for_campaign(c.pk)]
    media = totals(uow.metrics.for_campaign(c.pk)).spend
    return Ledger(planned=c.budget, requested=total(pending, currency), approved=total(approved, currency),
                  spent_entries=total(entries, currency), spent_media=Money(media, currency))


