"""Bulk loading of a generated workspace (bot.demo): a few multi-row INSERTs per table instead of one statement per
row, ids handed back in order (RETURNING), so tens of thousands of rows load in seconds on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Table, insert
from sqlmodel import Session

from adapters.db import mappers, totals
from adapters.db.repositories.people import BUMP
from adapters.db.tables import (
    ApprovalRequestRow,
    CampaignRow,
    DecisionRow,
    MemberRoleRow,
    MemberRow,
    MetricRow,
    SpendRow,
    TaskRow,
)
from bot.demo import Bundle
from domain.people import Member

CHUNK = 2000  # rows per statement: under both databases' limits on bound parameters


def _table(row_type: type[Any]) -> Table:
    table: Table = row_type.__table__
    return table


class SqlBulkLoader:
    def __init__(self, sessions: Callable[[], Session]) -> None:
        self.sessions = sessions

    def _insert(self, session: Session, row_type: type[Any], rows: Sequence[dict[str, Any]],
                ids: bool = False) -> list[int]:
        found: list[int] = []
        table = _table(row_type)
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            if not chunk:
                continue
            if ids:
                stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
                found += [row[0] for row in session.execute(stmt, list(chunk))]
            else:
                session.execute(insert(table), list(chunk))
        return found

    def members(self, members: Sequence[Member]) -> None:
        with self.sessions() as session:
            self._insert(session, MemberRow, [mappers.member_values(m) for m in members])
            roles = [{"workspace_id": m.workspace_id, "user_ref": m.user_ref, "role": r.value}
                     for m in members for r in sorted(m.roles)]
            self._insert(session, MemberRoleRow, roles)
            for workspace_id in sorted({m.workspace_id for m in members}):  # what processes kept of them is old
                session.execute(BUMP, {"workspace": workspace_id})
            session.commit()

    def bundles(self, bundles: Sequence[Bundle]) -> None:
        with self.sessions() as session:
            ids = self._insert(session, CampaignRow, [{**mappers.campaign_values(b.campaign), "version": 0}
                                                      for b in bundles], ids=True)
            for bundle, campaign_id in zip(bundles, ids, strict=True):
                self._adopt(bundle, campaign_id)
            tasks = [{**mappers.task_values(t), "version": 0} for b in bundles for t in b.tasks]
            self._insert(session, TaskRow, tasks)
            requests = [r for b in bundles for r in b.requests]
            request_ids = self._insert(session, ApprovalRequestRow,
                                       [{**mappers.request_values(r), "version": 0} for r in requests], ids=True)
            for request, request_id in zip(requests, request_ids, strict=True):
                request.id = request_id
            decisions = [mappers.decision_values(r.pk, d) for r in requests for d in r.decisions]
            self._insert(session, DecisionRow, decisions)
            self._insert(session, SpendRow, [mappers.spend_values(e) for b in bundles for e in b.spend])
            self._insert(session, MetricRow, [mappers.metric_values(m) for b in bundles for m in b.metrics])
            totals.refresh(session, [b.campaign.pk for b in bundles if b.metrics])
            session.commit()

    @staticmethod
    def _adopt(bundle: Bundle, campaign_id: int) -> None:
        bundle.campaign.id = campaign_id
        for task in bundle.tasks:
            task.campaign_id = campaign_id
        for request in bundle.requests:
            request.campaign_id = campaign_id
        for entry in bundle.spend:
            entry.campaign_id = campaign_id
        bundle.metrics = [replace(m, campaign_id=campaign_id) for m in bundle.metrics]
