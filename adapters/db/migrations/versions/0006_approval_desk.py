"""The approval desk: rounds of a returned and revised request (one decision per step of each round), who decided
for a colleague away and whom an approval added as a signer, copies, attachments, when a request was last urged and
since when its step waits; a member's out-of-office delegate; which turn of an approval a card copy's buttons act on
(so a change that is not a decision keeps them live).

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EMPTY = sa.text("'[]'")


def upgrade() -> None:
    with op.batch_alter_table('members') as batch:
        batch.add_column(sa.Column('away_delegate', sa.String(length=128), nullable=True))
        batch.add_column(sa.Column('away_until', sa.Date(), nullable=True))
        batch.create_index('ix_members_away', ['workspace_id', 'away_delegate'], unique=False)
    with op.batch_alter_table('approval_requests') as batch:
        batch.add_column(sa.Column('round', sa.Integer(), nullable=False, server_default='1'))
        batch.add_column(sa.Column('step_since', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('cc', sa.JSON(), nullable=False, server_default=EMPTY))
        batch.add_column(sa.Column('attachments', sa.JSON(), nullable=False, server_default=EMPTY))
        batch.add_column(sa.Column('urged_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('approval_decisions') as batch:
        batch.add_column(sa.Column('round', sa.Integer(), nullable=False, server_default='1'))
        batch.add_column(sa.Column('on_behalf', sa.String(length=128), nullable=True))
        batch.add_column(sa.Column('added', sa.String(length=128), nullable=True))
        batch.drop_constraint('uq_approval_decisions_request_id_step', type_='unique')
        batch.create_unique_constraint('uq_approval_decisions_request_id_round_step', ['request_id', 'round', 'step'])
    with op.batch_alter_table('card_copies') as batch:
        batch.add_column(sa.Column('turn', sa.String(length=16), nullable=True))
    # A step already waiting has waited since the last decision (or since the request was made).
    op.execute("UPDATE approval_requests SET step_since = COALESCE((SELECT MAX(d.at) FROM approval_decisions d "
               "WHERE d.request_id = approval_requests.id), created_at)")


def downgrade() -> None:
    with op.batch_alter_table('card_copies') as batch:
        batch.drop_column('turn')
    with op.batch_alter_table('approval_decisions') as batch:
        batch.drop_constraint('uq_approval_decisions_request_id_round_step', type_='unique')
        batch.create_unique_constraint('uq_approval_decisions_request_id_step', ['request_id', 'step'])
        batch.drop_column('added')
        batch.drop_column('on_behalf')
        batch.drop_column('round')
    with op.batch_alter_table('approval_requests') as batch:
        batch.drop_column('urged_at')
        batch.drop_column('attachments')
        batch.drop_column('cc')
        batch.drop_column('step_since')
        batch.drop_column('round')
    with op.batch_alter_table('members') as batch:
        batch.drop_index('ix_members_away')
        batch.drop_column('away_until')
        batch.drop_column('away_delegate')
