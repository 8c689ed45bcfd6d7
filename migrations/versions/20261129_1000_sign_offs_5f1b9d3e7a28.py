"""sign-offs: an editor's second reading of a verdict before it is published

verdicts.signed_off_by / signed_off_at hold the sign-off of the verdict as it stands; the
sign_offs table keeps every sign-off, with the history entry it signed.

Revision ID: 5f1b9d3e7a28
Revises: 8a5c3e7d2b16
Create Date: 2026-11-29 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '5f1b9d3e7a28'
down_revision = '8a5c3e7d2b16'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sign_offs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('change_id', sa.Integer(), nullable=False),
        sa.Column('signed_by', sa.String(length=256), nullable=False),
        sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['change_id'], ['verdict_changes.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('change_id'),
    )
    op.create_index(op.f('ix_sign_offs_claim_id'), 'sign_offs', ['claim_id'])
    with op.batch_alter_table('verdicts') as batch:
        batch.add_column(sa.Column('signed_off_by', sa.String(length=256), nullable=True))
        batch.add_column(sa.Column('signed_off_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('verdicts') as batch:
        batch.drop_column('signed_off_at')
        batch.drop_column('signed_off_by')
    op.drop_index(op.f('ix_sign_offs_claim_id'), table_name='sign_offs')
    op.drop_table('sign_offs')
