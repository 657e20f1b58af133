"""The approval SLA scan: the current approvers of a request whose step has waited past the SLA get a reminder,
at most once per SLA period of that step (period index in the key)."""

from __future__ import annotations

from datetime import timedelta

from bot.cards import Card
from bot.handlers.approvals import approval_view, approvers
from bot.handlers.system import Scan
from bot.identity import ensure_member
from bot.notify import to_user
from bot.presenters import alerts as view
from domain import commands as c
from domain.approval import ApprovalRequest
from domain.campaign import Campaign
from domain.notifications import AlertKind
from domain.people import Workspace


def scan(cmd: c.ScanApprovals, s: Scan) -> None:
    sla = timedelta(hours=s.deps.settings.approval_sla_hours)
    pending = s.uow.approvals.pending_since(s.now - sla)
    campaigns = {camp.id: camp for camp in s.uow.campaigns.many([r.campaign_id for r in pending])}
    for request in pending:
        workspace = s.workspace(request.workspace_id)
        campaign = campaigns.get(request.campaign_id)
        if workspace is None or campaign is None:
            continue
        started = request.decisions[-1].at if request.decisions else request.created_at
        waited = s.now - started
        periods = int(waited / sla)
        if periods < 1:
            continue
        _remind(s, workspace, request, campaign, waited, periods)


def _remind(s: Scan, workspace: Workspace, request: ApprovalRequest, campaign: Campaign, waited: timedelta,
            periods: int) -> None:
    env = s.env(workspace)

    def card(lang: str) -> Card:
        return view.reminder(approval_view(env, request, campaign, lang), waited, lang)

    for user in approvers(env, request):
        member = ensure_member(s.uow, workspace, user, s.deps.settings, s.now)
        s.count(to_user(s.uow, workspace, member, AlertKind.APPROVAL_REMINDER.value, card, request.ref,
                        f"step{request.current_step + 1}.{periods}", s.now))
