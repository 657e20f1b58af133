"""Budget approval requests with their decisions; one decision per step of each round, enforced twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from adapters.db import mappers
from adapters.db.repositories.base import duplicate_is_conflict, fetch, insert, save_versioned
from adapters.db.tables import ApprovalRequestRow, DecisionRow
from domain.approval import ApprovalRequest, ApprovalStatus, Decision
from domain.errors import ConcurrencyConflict

Decided = dict[tuple[int, int], Decision]


class SqlApprovalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        # This transaction's reads: a campaign's requests until a request is written, and the decisions of each
        # request at the version read or written (decisions are written only with a new version, so a version
        # names its decisions: a save that passes the version check needs no second look, nor a read of the row).
        self._campaigns: dict[int, list[ApprovalRequest]] = {}
        self._decided: dict[int, tuple[int, Decided]] = {}

    def add(self, request: ApprovalRequest) -> ApprovalRequest:
        self._campaigns.clear()
        row = ApprovalRequestRow(**mappers.request_values(request), version=request.version)
        request.id = insert(self.session, row, request.ref)
        self._store_decisions(request, already=set())
        self._remember(request)
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
        self._campaigns.clear()
        save_versioned(self.session, ApprovalRequestRow, request, mappers.request_values(request))
        version, stored = self._decided.get(request.pk, (None, None))
        if stored is None or version != request.version:  # read elsewhere: what is stored now, under the row lock
            rows = fetch(self.session, select(DecisionRow).where(DecisionRow.request_id == request.id))
            stored = {(row.round, row.step): mappers.decision(row) for row in rows}
        if any(stored.get((d.round, d.step), d) != d for d in request.decisions):
            raise ConcurrencyConflict(request.ref)
        self._store_decisions(request, already=set(stored))
        request.version += 1
        self._remember(request)

    def _remember(self, request: ApprovalRequest) -> None:
        self._decided[request.pk] = (request.version, {(d.round, d.step): d for d in request.decisions})

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
        known = {r.id: self._decided[r.id][1] for r in rows
                 if r.id in self._decided and self._decided[r.id][0] == r.version}
        ids = [r.id for r in rows if r.id not in known]
        decisions: dict[int | None, list[Decision]] = {i: [] for i in ids}
        if ids:
            for d in fetch(self.session, select(DecisionRow).where(col(DecisionRow.request_id).in_(ids))):
                decisions[d.request_id].append(mappers.decision(d))
        found = [mappers.request(r, list(known[r.id].values()) if r.id in known else decisions[r.id]) for r in rows]
        for request in found:
            self._remember(request)
        return found

    def for_campaign(self, campaign_id: int) -> Sequence[ApprovalRequest]:
        if campaign_id not in self._campaigns:
            stmt = select(ApprovalRequestRow).where(ApprovalRequestRow.campaign_id == campaign_id)
            self._campaigns[campaign_id] = self._load(stmt)
        return list(self._campaigns[campaign_id])

    def for_campaigns(self, campaign_ids: Sequence[int]) -> dict[int, list[ApprovalRequest]]:
        wanted = [i for i in dict.fromkeys(campaign_ids) if i not in self._campaigns]
        if wanted:
            found: dict[int, list[ApprovalRequest]] = {i: [] for i in wanted}
            stmt = select(ApprovalRequestRow).where(col(ApprovalRequestRow.campaign_id).in_(wanted))
            for request in self._load(stmt):
                found[request.campaign_id].append(request)
            self._campaigns.update(found)
        return {i: list(self._campaigns[i]) for i in campaign_ids}

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
