"""A workspace counts the changes to its members (`members_version`), bumped in the transaction that adds or changes
one (a role granted or revoked, a setting, a name): a process that keeps members and their roles in memory reads the
count, one small row, and uses what it kept only while the count is the one it was read under.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('members_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    # Not a batch (on SQLite a batch copies the table, which every other table's foreign key refers to): SQLite
    # drops a column in place since 3.35, as PostgreSQL does.
    op.execute("ALTER TABLE workspaces DROP COLUMN members_version")
