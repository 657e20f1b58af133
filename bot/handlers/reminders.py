"""The approval SLA scan: a request whose current step has waited past the SLA is overdue once per whole SLA
period of that step (the period index is in the reminder's key), so a new approver gets a full SLA."""

from __future__ import annotations

from datetime import timedelta

from bot.env import Txn
from domain import commands as c
from domain import events as e


def scan(cmd: c.ScanApprovals, txn: Txn) -> None:
    sla = timedelta(hours=txn.deps.settings.approval_sla_hours)
    pending = txn.uow.approvals.pending_since(txn.now - sla)
    campaigns = {camp.pk: camp for camp in txn.uow.campaigns.many([r.campaign_id for r in pending])}
    for request in pending:
        campaign = campaigns.get(request.campaign_id)
        if txn.workspace(request.workspace_id) is None or campaign is None:
            continue
        started = request.decisions[-1].at if request.decisions else request.created_at
        waited = txn.now - started
        periods = int(waited / sla)
        if periods >= 1:
            txn.record(e.ApprovalOverdue(request, campaign, waited, periods))
