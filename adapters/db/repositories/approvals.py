"""Budget approval requests with their decisions; one decision per step of each round, enforced twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from adapters.db import mappers
from adapters.db.repositories.base import duplicate_is_conflict, fetch, insert, save_versioned
from adapters.db.tables import ApprovalRequestRow, DecisionRow
from domain.approval import ApprovalRequest, ApprovalStatus
from domain.errors import ConcurrencyConflict


class SqlApprovalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, request: ApprovalRequest) -> ApprovalRequest:
        row = ApprovalRequestRow(**mappers.request_values(request), version=request.version)
        request.id = insert(self.session, row, request.ref)
        self._store_decisions(request, already=set())
        return request

    def get(self, request_id: int, workspace_id: int | None) -> ApprovalRequest | None:
        """workspace_id None: any workspace (operator tools); otherwise another workspace's row is not found."""
        stmt = select(ApprovalRequestRow).where(ApprovalRequestRow.id == request_id)
        if workspace_id is not None:
            stmt = stmt.where(ApprovalRequestRow.workspace_id == workspace_id)
        found = self._load(stmt)
        return found[0] if found else None

    def save(self, request: ApprovalRequest) -> None:
        """The versioned UPDATE goes first: it takes the row lock, so a racing decider fails there. Decisions are
        append-only: a stored step must match ours, and a step inserted twice breaks UNIQUE(request_id, step);
        either way it is the same ConcurrencyConflict."""
        save_versioned(self.session, ApprovalRequestRow, request, mappers.request_values(request))
        rows = fetch(self.session, select(DecisionRow).where(DecisionRow.request_id == request.id))
        stored = {(row.round, row.step): mappers.decision(row) for row in rows}
        if any(stored.get((d.round, d.step), d) != d for d in request.decisions):
            raise ConcurrencyConflict(request.ref)
        self._store_decisions(request, already=set(stored))
        request.version += 1

    def _store_decisions(self, request: ApprovalRequest, already: set[tuple[int, int]]) -> None:
        for decision in request.decisions:
            if (decision.round, decision.step) not in already:
                self.session.add(DecisionRow(**mappers.decision_values(request.pk, decision)))
        with duplicate_is_conflict(request.ref):
            self.session.flush()

    def _load(self, stmt: SelectOfScalar[ApprovalRequestRow]) -> list[ApprovalRequest]:
        rows = fetch(self.session, stmt.order_by(col(ApprovalRequestRow.id)))
        if not rows:
            return []
        ids = [r.id for r in rows]
        decisions: dict[int | None, list[DecisionRow]] = {i: [] for i in ids}
        for d in fetch(self.session, select(DecisionRow).where(col(DecisionRow.request_id).in_(ids))):
            decisions[d.request_id].append(d)
        return [mappers.request(r, decisions[r.id]) for r in rows]

    def for_campaign(self, campaign_id: int) -> Sequence[ApprovalRequest]:
        return self._load(select(ApprovalRequestRow).where(ApprovalRequestRow.campaign_id == campaign_id))

    def list(self, workspace_id: int, status: ApprovalStatus | None = None) -> Sequence[ApprovalRequest]:
        stmt = select(ApprovalRequestRow).where(ApprovalRequestRow.workspace_id == workspace_id)
        if status is not None:
            stmt = stmt.where(ApprovalRequestRow.status == status.value)
        return self._load(stmt)

    def pending_since(self, before: datetime) -> Sequence[ApprovalRequest]:
        """Pending requests created strictly before `before`, every workspace (the SLA reminder scan)."""
        stmt = select(ApprovalRequestRow).where(ApprovalRequestRow.status == ApprovalStatus.PENDING.value,
                                                col(ApprovalRequestRow.created_at) < before)
        return sorted(self._load(stmt), key=lambda r: (r.created_at, r.id or 0))
