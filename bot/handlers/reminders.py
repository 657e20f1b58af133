"""The approval SLA scan: a request whose current step has waited past the SLA is overdue once per whole SLA
period of that step (the period index is in the reminder's key), so a new approver gets a full SLA: the next step, a
step handed to someone, a revised request starting again. Whoever is asked for the step now is reminded (a delegate,
an added signer, the colleague covering an approver away)."""

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
        waited = txn.now - (request.step_since or request.created_at)
        periods = int(waited / sla)
        if periods >= 1:
            txn.record(e.ApprovalOverdue(request, campaign, waited, periods))
