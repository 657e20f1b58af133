"""Each campaign's metric totals in a table of their own, kept with every write of its rows, so the portfolio and the
ledgers read one row a campaign instead of summing every day and channel; backfilled here from the rows there are.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOTAL_TYPE = sa.Numeric(precision=30, scale=2).with_variant(sa.BigInteger(), 'sqlite')
FIGURES = ('spend', 'impressions', 'clicks', 'conversions', 'revenue')


def upgrade() -> None:
    op.create_table('metric_totals',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('rows', sa.BigInteger(), nullable=False),
    sa.Column('spend', TOTAL_TYPE, nullable=True),
    sa.Column('impressions', sa.BigInteger(), nullable=True),
    sa.Column('clicks', sa.BigInteger(), nullable=True),
    sa.Column('conversions', sa.BigInteger(), nullable=True),
    sa.Column('revenue', TOTAL_TYPE, nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_metric_totals_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_metric_totals_workspace_id_workspaces')),
    sa.PrimaryKeyConstraint('campaign_id', name=op.f('pk_metric_totals'))
    )
    sums = ", ".join(f"sum(m.{name})" for name in FIGURES)
    op.execute(sa.text(f"INSERT INTO metric_totals (campaign_id, workspace_id, rows, {', '.join(FIGURES)}) "
                       f"SELECT c.id, c.workspace_id, count(*), {sums} FROM campaigns c "
                       f"JOIN daily_metrics m ON m.campaign_id = c.id GROUP BY c.id, c.workspace_id"))


def downgrade() -> None:
    op.drop_table('metric_totals')
