"""Append-mostly records: the spend ledger, daily metrics (upserted by day) and the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from adapters.db import mappers
from adapters.db.repositories.base import fetch, fetch_one, insert, upsert
from adapters.db.tables import AuditRow, MetricRow, SpendRow
from domain.audit import AuditEntry
from domain.ledger import SpendEntry
from domain.metrics import FIGURES, DailyMetric


class SqlLedgerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: SpendEntry) -> SpendEntry:
        entry.id = insert(self.session, SpendRow(**mappers.spend_values(entry)), f"spend:{entry.campaign_id}")
        return entry

    def for_campaign(self, campaign_id: int) -> Sequence[SpendEntry]:
        stmt = select(SpendRow).where(SpendRow.campaign_id == campaign_id).order_by(col(SpendRow.id))
        return [mappers.spend(r) for r in fetch(self.session, stmt)]

    def remove(self, entry_id: int) -> None:
        self.session.exec(delete(SpendRow).where(col(SpendRow.id) == entry_id))


CHUNK = 1000  # rows per INSERT: 9 parameters each stays under SQLite's 32,766 and PostgreSQL's 65,535


class SqlMetricsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, campaign_id: int, day: date, channel: str) -> DailyMetric | None:
        stmt = select(MetricRow).where(MetricRow.campaign_id == campaign_id, MetricRow.day == day,
                                       MetricRow.channel == channel)
        row = fetch_one(self.session, stmt)
        return mappers.metric(row) if row else None

    def put(self, metric: DailyMetric) -> None:
        """Insert, or replace the figures of the same campaign, day and channel: a re-post never doubles."""
        stmt = upsert(self.session, MetricRow).values(**mappers.metric_values(metric))
        stmt = stmt.on_conflict_do_update(index_elements=["campaign_id", "day", "channel"],
                                          set_={name: stmt.excluded[name] for name in FIGURES})
        self.session.exec(stmt)

    def remove(self, campaign_id: int, day: date, channel: str) -> None:
        self.session.exec(delete(MetricRow).where(col(MetricRow.campaign_id) == campaign_id,
                                                  col(MetricRow.day) == day, col(MetricRow.channel) == channel))

    def put_many(self, metrics: Sequence[DailyMetric]) -> None:
        """One multi-row upsert per chunk, not one statement per row; the last row of a key wins (PostgreSQL
        refuses to touch one row twice in a statement, so duplicates are folded first)."""
        latest = {(m.campaign_id, m.day, m.channel): m for m in metrics}
        rows = [mappers.metric_values(m) for m in latest.values()]
        for start in range(0, len(rows), CHUNK):
            stmt = upsert(self.session, MetricRow).values(rows[start:start + CHUNK])
            stmt = stmt.on_conflict_do_update(index_elements=["campaign_id", "day", "channel"],
                                              set_={name: stmt.excluded[name] for name in FIGURES})
            self.session.exec(stmt)

    def for_campaign(self, campaign_id: int) -> Sequence[DailyMetric]:
        stmt = (select(MetricRow).where(MetricRow.campaign_id == campaign_id)
                .order_by(col(MetricRow.day), col(MetricRow.channel)))
        return [mappers.metric(r) for r in fetch(self.session, stmt)]


class SqlAuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        # Nobody needs the id back, so the row rides along with the next flush instead of costing a round trip.
        self.session.add(AuditRow(**mappers.audit_values(entry)))

    def for_entity(self, entity: str) -> Sequence[AuditEntry]:
        stmt = select(AuditRow).where(AuditRow.entity == entity).order_by(col(AuditRow.at), col(AuditRow.id))
        return [mappers.audit(r) for r in fetch(self.session, stmt)]

    def for_campaign(self, campaign_id: int, since: datetime | None = None) -> Sequence[AuditEntry]:
        """Oldest first; `since` is inclusive."""
        stmt = select(AuditRow).where(AuditRow.campaign_id == campaign_id)
        if since is not None:
            stmt = stmt.where(col(AuditRow.at) >= since)
        rows = fetch(self.session, stmt.order_by(col(AuditRow.at), col(AuditRow.id)))
        return [mappers.audit(r) for r in rows]

    def by_actor(self, workspace_id: int, actor: str, since: datetime) -> Sequence[AuditEntry]:
        self.session.flush()  # entries added in this unit of work count too
        stmt = (select(AuditRow).where(AuditRow.workspace_id == workspace_id, AuditRow.actor == actor,
                                       col(AuditRow.at) >= since)
                .order_by(col(AuditRow.at).desc(), col(AuditRow.id).desc()))
        return [mappers.audit(r) for r in fetch(self.session, stmt)]
