"""Sent outbox rows have an index by the time they were sent (a partial one, on sent rows only), so the scheduler
removes those older than MEMS_OUTBOX_RETENTION_DAYS in small batches without walking the table.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_outbox_sent', 'outbox', ['sent_at'], unique=False, sqlite_where=sa.text("status = 'sent'"),
                    postgresql_where=sa.text("status = 'sent'"))


def downgrade() -> None:
    op.drop_index('ix_outbox_sent', table_name='outbox')
