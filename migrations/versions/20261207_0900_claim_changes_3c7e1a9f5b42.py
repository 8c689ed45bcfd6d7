"""claim changes: who added a claim by hand, edited its words or dropped it, and when

An append-only table, kept when a claim is dropped (no foreign key to the claim).

Revision ID: 3c7e1a9f5b42
Revises: 5f1b9d3e7a28
Create Date: 2026-12-07 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '3c7e1a9f5b42'
down_revision = '5f1b9d3e7a28'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'claim_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('changed_by', sa.String(length=256), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('from_text', sa.Text(), nullable=True),
        sa.Column('to_text', sa.Text(), nullable=True),
        sa.CheckConstraint(
            "action IN ('added', 'edited', 'dropped')", name=op.f('ck_claim_changes_action')
        ),
        sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_claim_changes_claim_id'), 'claim_changes', ['claim_id'])
    op.create_index(op.f('ix_claim_changes_article_id'), 'claim_changes', ['article_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_claim_changes_article_id'), table_name='claim_changes')
    op.drop_index(op.f('ix_claim_changes_claim_id'), table_name='claim_changes')
    op.drop_table('claim_changes')
