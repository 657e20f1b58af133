"""Editing and undo (issue 11): a request withdrawn because its campaign closed says so (`closed_with`: the status
the campaign went to), and the outbox is found by entity (what a change made wrong is looked up by its task).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_with', sa.String(length=16), nullable=True))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_entity', ['entity'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_entity')
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.drop_column('closed_with')
