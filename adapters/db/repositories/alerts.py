"""Anomaly evaluations, alert snoozes and API tokens, with their row mappings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, update
from sqlmodel import Session, col, select

from adapters.db.repositories.base import fetch, fetch_one, insert, upsert
from adapters.db.tables import AlertSnoozeRow, AnomalyEvaluationRow, ApiTokenRow, MetricRow
from domain.alerts import Evaluation, Outcome, Snooze
from domain.anomaly import Move
from domain.tokens import ApiToken


def evaluation(row: AnomalyEvaluationRow) -> Evaluation:
    return Evaluation(workspace_id=row.workspace_id, campaign_id=row.campaign_id, day=row.day,
                      evaluated_at=row.evaluated_at, outcome=Outcome(row.outcome),
                      moves=tuple(Move(**m) for m in row.moves), card=row.card, acknowledged_by=row.acknowledged_by,
                      acknowledged_at=row.acknowledged_at, id=row.id)


def evaluation_values(e: Evaluation) -> dict[str, Any]:
    return {"workspace_id": e.workspace_id, "campaign_id": e.campaign_id, "day": e.day,
            "evaluated_at": e.evaluated_at, "outcome": e.outcome.value, "moves": [asdict(m) for m in e.moves],
            "card": e.card, "acknowledged_by": e.acknowledged_by, "acknowledged_at": e.acknowledged_at}


class SqlAnomalyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, campaign_id: int, day: date) -> Evaluation | None:
        stmt = select(AnomalyEvaluationRow).where(AnomalyEvaluationRow.campaign_id == campaign_id,
                                                  AnomalyEvaluationRow.day == day)
        row = fetch_one(self.session, stmt)
        return evaluation(row) if row else None

    def get_many(self, keys: Sequence[tuple[int, date]]) -> dict[tuple[int, date], Evaluation]:
        wanted = set(keys)
        if not wanted:
            return {}
        # Campaigns and days apart (portable, and a scan's keys are a thousand campaigns on a day or two), then
        # only the pairs asked for.
        stmt = select(AnomalyEvaluationRow).where(
            col(AnomalyEvaluationRow.campaign_id).in_(sorted({c for c, _ in wanted})),
            col(AnomalyEvaluationRow.day).in_(sorted({d for _, d in wanted})))
        found = (evaluation(row) for row in fetch(self.session, stmt))
        return {(e.campaign_id, e.day): e for e in found if (e.campaign_id, e.day) in wanted}

    def put(self, e: Evaluation) -> None:
        self.put_many([e])

    def put_many(self, evaluations: Sequence[Evaluation]) -> None:
        """One upsert sent with every evaluation's parameters (batched into few statements by the driver)."""
        if not evaluations:
            return
        rows = [evaluation_values(e) for e in evaluations]
        stmt = upsert(self.session, AnomalyEvaluationRow)
        kept = [k for k in rows[0] if k not in ("campaign_id", "day")]
        stmt = stmt.on_conflict_do_update(index_elements=["campaign_id", "day"],
                                          set_={k: stmt.excluded[k] for k in kept})
        self.session.execute(stmt, rows)

    def unevaluated(self, since: date) -> Sequence[tuple[int, date]]:
        judged = and_(col(AnomalyEvaluationRow.campaign_id) == col(MetricRow.campaign_id),
                      col(AnomalyEvaluationRow.day) == col(MetricRow.day))
        stmt = (select(col(MetricRow.campaign_id), col(MetricRow.day)).distinct()
                .outerjoin(AnomalyEvaluationRow, judged)
                .where(col(MetricRow.day) >= since, col(AnomalyEvaluationRow.id).is_(None))
                .order_by(col(MetricRow.campaign_id), col(MetricRow.day)))
        return [(campaign_id, day) for campaign_id, day in self.session.exec(stmt).all()]

    def snooze(self, s: Snooze) -> None:
        values = {"workspace_id": s.workspace_id, "campaign_id": s.campaign_id, "until": s.until,
                  "snoozed_by": s.by, "snoozed_at": s.at}
        stmt = upsert(self.session, AlertSnoozeRow).values(**values)
        stmt = stmt.on_conflict_do_update(index_elements=["campaign_id"],
                                          set_={k: stmt.excluded[k] for k in ("until", "snoozed_by", "snoozed_at")})
        self.session.exec(stmt)

    def snoozed_until(self, campaign_id: int) -> datetime | None:
        row = fetch_one(self.session, select(AlertSnoozeRow).where(AlertSnoozeRow.campaign_id == campaign_id))
        return row.until if row else None

    def snoozed(self, campaign_ids: Sequence[int]) -> dict[int, datetime]:
        if not campaign_ids:
            return {}
        stmt = select(AlertSnoozeRow).where(col(AlertSnoozeRow.campaign_id).in_(sorted(set(campaign_ids))))
        return {row.campaign_id: row.until for row in fetch(self.session, stmt)}


def token(row: ApiTokenRow) -> ApiToken:
    assert row.workspace_id is not None  # rows without a workspace are not made by chat
    return ApiToken(workspace_id=row.workspace_id, name=row.name, token_hash=row.token_hash,
                    created_by=row.created_by, created_at=row.created_at, revoked_at=row.revoked_at, id=row.id)


class SqlTokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, t: ApiToken) -> ApiToken:
        row = ApiTokenRow(workspace_id=t.workspace_id, name=t.name, token_hash=t.token_hash,
                          created_by=t.created_by, created_at=t.created_at, revoked_at=t.revoked_at)
        t.id = insert(self.session, row, f"token {t.name}")
        return t

    def by_hash(self, token_hash: str) -> ApiToken | None:
        stmt = select(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash,
                                         col(ApiTokenRow.workspace_id).is_not(None))
        row = fetch_one(self.session, stmt)
        return token(row) if row else None

    def active(self, workspace_id: int) -> Sequence[ApiToken]:
        stmt = (select(ApiTokenRow).where(ApiTokenRow.workspace_id == workspace_id,
                                          col(ApiTokenRow.revoked_at).is_(None)).order_by(col(ApiTokenRow.id)))
        return [token(r) for r in fetch(self.session, stmt)]

    def revoke(self, token_id: int, at: datetime) -> None:
        self.session.exec(update(ApiTokenRow).where(col(ApiTokenRow.id) == token_id).values(revoked_at=at))
