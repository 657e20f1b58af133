"""Card copies remember their language, so an update rewrites each copy in the language it was sent in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('card_copies') as batch:
        batch.add_column(sa.Column('lang', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('card_copies') as batch:
        batch.drop_column('lang')
