"""The dead letters have an index of their own (a partial one, on dead rows only), so the live dead-letter gauge that
every metrics scrape reads counts them without walking the outbox's history of sent messages.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_outbox_dead', 'outbox', ['dead_at'], unique=False, sqlite_where=sa.text("status = 'dead'"),
                    postgresql_where=sa.text("status = 'dead'"))


def downgrade() -> None:
    op.drop_index('ix_outbox_dead', table_name='outbox')
