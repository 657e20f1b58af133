"""A figure of a day's metrics left out is not recorded (NULL), never zero: ROI with no revenue is n/a.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = ('spend', 'revenue')
COUNTS = ('impressions', 'clicks', 'conversions')
MONEY_TYPE = sa.Numeric(precision=18, scale=2).with_variant(sa.BigInteger(), 'sqlite')


def _nullable(nullable: bool) -> None:
    with op.batch_alter_table('daily_metrics', schema=None) as batch_op:
        for name in MONEY:
            batch_op.alter_column(name, existing_type=MONEY_TYPE, nullable=nullable)
        for name in COUNTS:
            batch_op.alter_column(name, existing_type=sa.BigInteger(), nullable=nullable)


def upgrade() -> None:
    _nullable(True)


def downgrade() -> None:
    for name in (*MONEY, *COUNTS):
        op.execute(sa.text(f"UPDATE daily_metrics SET {name} = 0 WHERE {name} IS NULL"))
    _nullable(False)
