"""The upkeep of each campaign's metric totals (`metric_totals`): every writer of metric rows calls `refresh` with the
campaigns it touched, in the same transaction, so the totals are the sums of the rows whenever anyone can see them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, Connection, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from adapters.db.tables import CampaignRow, MetricRow, MetricTotalRow
from adapters.db.types import AmountTotal
from domain.metrics import FIGURES

CHUNK = 5000  # campaign ids per statement: under both databases' limits on bound parameters


def refresh(db: Session | Connection, campaign_ids: Iterable[int]) -> None:
    """Recompute the totals of these campaigns from their rows, after the rows are written.

    Two statements, in this order, so two transactions writing the same campaign's rows at once cannot each sum
    without the other's rows and leave the sum of only one: the first takes the campaigns' total rows (made if new)
    and holds them until commit; the second, a statement of its own, sums with a snapshot taken after that lock, so
    it sees every row committed by whoever held it before. Campaign ids in order, so two writers never deadlock."""
    ids = sorted(set(campaign_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        db.execute(_hold(db, chunk))
        db.execute(_recompute(chunk))


def _hold(db: Session | Connection, ids: list[int]) -> Any:
    t, campaign = MetricTotalRow.__table__.c, CampaignRow.__table__.c  # type: ignore[attr-defined]
    dialect = (db.get_bind() if isinstance(db, Session) else db).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    found = (select(campaign.id, campaign.workspace_id, literal(0, BigInteger())).where(campaign.id.in_(ids))
             .order_by(campaign.id))
    stmt = insert(MetricTotalRow.__table__).from_select(["campaign_id", "workspace_id", "rows"], found)  # type: ignore[attr-defined]
    # A no-op update, so an existing row is locked as a new one is (ON CONFLICT DO NOTHING would not lock it).
    return stmt.on_conflict_do_update(index_elements=["campaign_id"], set_={"rows": t.rows})


def _recompute(ids: list[int]) -> Any:
    t, m = MetricTotalRow.__table__.c, MetricRow.__table__.c  # type: ignore[attr-defined]
    sums = (select(t.campaign_id, func.count(m.id).label("rows"),
                   *(func.sum(m[name], type_=AmountTotal() if name in ("spend", "revenue") else BigInteger())
                     .label(name) for name in FIGURES))
            .select_from(MetricTotalRow.__table__)  # type: ignore[attr-defined]
            .outerjoin(MetricRow.__table__, m.campaign_id == t.campaign_id)  # type: ignore[attr-defined]
            .where(t.campaign_id.in_(ids)).group_by(t.campaign_id).subquery("sums"))
    # Through the totals themselves with an outer join: a campaign whose last row went gets NULL sums and 0 rows.
    return (update(MetricTotalRow.__table__).where(t.campaign_id == sums.c.campaign_id)  # type: ignore[attr-defined]
            .values(rows=sums.c.rows, **{name: sums.c[name] for name in FIGURES}))
