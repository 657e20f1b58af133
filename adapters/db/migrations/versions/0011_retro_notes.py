"""Retrospectives (issue 13): the team's notes on a campaign's retrospective.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('retro_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=128), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_retro_notes_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_retro_notes_workspace_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retro_notes')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('retro_notes', schema=None) as batch_op:
        batch_op.create_index('ix_retro_notes_campaign', ['campaign_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('retro_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_retro_notes_campaign')
    op.drop_table('retro_notes')
