"""Delivery safety without Redis: de-duplication keys kept in the database, and delivery workers' heartbeats.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'dedupe_keys',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_dedupe_keys')),
    )
    op.create_index(op.f('ix_dedupe_keys_expires_at'), 'dedupe_keys', ['expires_at'], unique=False)
    op.create_table(
        'workers',
        sa.Column('owner', sa.String(length=128), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('owner', name=op.f('pk_workers')),
    )


def downgrade() -> None:
    op.drop_table('workers')
    op.drop_index(op.f('ix_dedupe_keys_expires_at'), table_name='dedupe_keys')
    op.drop_table('dedupe_keys')
