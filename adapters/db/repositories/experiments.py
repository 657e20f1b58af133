"""A/B tests and their variants' daily figures (issue 13)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from adapters.db.repositories.base import fetch, fetch_one, insert, save_versioned, upsert
from adapters.db.tables import ExperimentRow, VariantMetricRow
from domain.abtest import Experiment, TestStatus, VariantMetric
from domain.metrics import FIGURES, DailyMetric


def _test(row: ExperimentRow) -> Experiment:
    return Experiment(workspace_id=row.workspace_id, campaign_id=row.campaign_id, name=row.name,
                      variants=tuple(row.variants), metric=row.metric, min_sample=row.min_sample,
                      created_by=row.created_by, created_at=row.created_at, status=TestStatus(row.status),
                      winner=row.winner, decided_at=row.decided_at, decision=dict(row.decision), id=row.id,
                      version=row.version)


def _values(test: Experiment) -> dict[str, object]:
    return {"status": test.status.value, "winner": test.winner, "decided_at": test.decided_at,
            "decision": dict(test.decision)}


class SqlExperimentRepository:
    def __init__(self, session: Session) -> None:
        self.db = session

    def add(self, test: Experiment) -> Experiment:
        row = ExperimentRow(workspace_id=test.workspace_id, campaign_id=test.campaign_id, name=test.name,
                            variants=list(test.variants), metric=test.metric, min_sample=test.min_sample,
                            created_by=test.created_by, created_at=test.created_at, **_values(test))  # type: ignore[arg-type]
        test.id = insert(self.db, row, "test")
        return test

    def get(self, test_id: int, workspace_id: int | None) -> Experiment | None:
        stmt = select(ExperimentRow).where(ExperimentRow.id == test_id)
        if workspace_id is not None:
            stmt = stmt.where(ExperimentRow.workspace_id == workspace_id)
        row = fetch_one(self.db, stmt)
        return None if row is None else _test(row)

    def save(self, test: Experiment) -> None:
        save_versioned(self.db, ExperimentRow, test, _values(test))
        test.version += 1

    def for_campaign(self, campaign_id: int) -> Sequence[Experiment]:
        stmt = select(ExperimentRow).where(ExperimentRow.campaign_id == campaign_id).order_by(col(ExperimentRow.id))
        return [_test(r) for r in fetch(self.db, stmt)]

    def put_variant(self, metric: VariantMetric) -> None:
        row = metric.row
        values = {"workspace_id": row.workspace_id, "campaign_id": row.campaign_id,
                  "experiment_id": metric.experiment_id, "variant": metric.variant, "day": row.day,
                  "channel": row.channel, **{name: getattr(row, name) or 0 for name in FIGURES}}
        stmt = upsert(self.db, VariantMetricRow).values(**values)
        stmt = stmt.on_conflict_do_update(index_elements=["experiment_id", "variant", "day", "channel"],
                                          set_={name: stmt.excluded[name] for name in FIGURES})
        self.db.exec(stmt)

    def variant_rows(self, test_id: int) -> Sequence[VariantMetric]:
        stmt = (select(VariantMetricRow).where(VariantMetricRow.experiment_id == test_id)
                .order_by(col(VariantMetricRow.day), col(VariantMetricRow.variant), col(VariantMetricRow.channel)))
        return [VariantMetric(r.experiment_id, r.variant, DailyMetric(
            r.workspace_id, r.campaign_id, r.day, r.channel, spend=r.spend, impressions=r.impressions,
            clicks=r.clicks, conversions=r.conversions, revenue=r.revenue)) for r in fetch(self.db, stmt)]
