"""What the REST API may do, as an application service: who a bearer token is, metrics in, and reads of
campaigns, tasks and approval requests kept to the token's workspace (another one's ids are "not found")."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.bus import Bus
from bot.context import Principal
from bot.ledgers import ledger_of
from bot.settings import Settings
from domain.approval import ApprovalRequest, ApprovalStatus
from domain.campaign import OPEN, Campaign
from domain.commands import IngestMetrics
from domain.ledger import Ledger
from domain.metrics import Kpis, MetricInput, RowError
from domain.ports import UnitOfWork
from domain.task import Task
from domain.tokens import digest


@dataclass(frozen=True)
class CampaignView:
    campaign: Campaign
    ledger: Ledger
    kpis: Kpis


class ApiService:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], settings: Settings, bus: Bus) -> None:
        self.uow_factory, self.settings, self.bus = uow_factory, settings, bus

    def principal(self, token: str) -> Principal | None:
        operator = self.settings.api_token.get_secret_value() if self.settings.api_token else ""
        if operator and hmac.compare_digest(token.encode(), operator.encode()):
            return Principal(None, "operator")
        with self.uow_factory() as uow:
            found = uow.tokens.by_hash(digest(token))
        return Principal(found.workspace_id, found.name) if found and found.active else None

    def store_metrics(self, who: Principal, rows: Sequence[MetricInput],
                      check_only: bool = False) -> tuple[int, list[RowError]]:
        """All or nothing. `check_only` when other rows were already refused: report, store nothing."""
        done = self.bus.handle_as(who, IngestMetrics(tuple(rows), f"api:{who.name}", check_only=check_only))
        return done.stored, list(done.errors)

    @staticmethod
    def _workspaces(uow: UnitOfWork, who: Principal) -> list[int]:
        if who.workspace_id is not None:
            return [who.workspace_id]
        return [w.pk for w in uow.workspaces.all()]

    def campaigns(self, who: Principal, every: bool) -> list[Campaign]:
        with self.uow_factory() as uow:
            return [c for ws in self._workspaces(uow, who) for c in uow.campaigns.list(ws, None if every else OPEN)]

    def campaign(self, who: Principal, number: int) -> CampaignView | None:
        with self.uow_factory() as uow:
            found = uow.campaigns.get(number, who.workspace_id)
            if found is None:
                return None
            ledger = ledger_of(uow, found)
            kpis = uow.metrics.totals(number).with_fees(ledger.spent_entries.amount)
            return CampaignView(found, ledger, kpis)

    def tasks(self, who: Principal, campaign: int) -> list[Task] | None:
        with self.uow_factory() as uow:
            if uow.campaigns.get(campaign, who.workspace_id) is None:
                return None
            return list(uow.tasks.for_campaign(campaign))

    def task(self, who: Principal, number: int) -> Task | None:
        with self.uow_factory() as uow:
            return uow.tasks.get(number, who.workspace_id)

    def approvals(self, who: Principal, pending_only: bool) -> list[ApprovalRequest]:
        status = ApprovalStatus.PENDING if pending_only else None
        with self.uow_factory() as uow:
            return [r for ws in self._workspaces(uow, who) for r in uow.approvals.list(ws, status)]

    def approval(self, who: Principal, number: int) -> ApprovalRequest | None:
        with self.uow_factory() as uow:
            return uow.approvals.get(number, who.workspace_id)
