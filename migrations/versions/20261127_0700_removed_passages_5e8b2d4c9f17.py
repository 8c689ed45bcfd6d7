"""removed passages: the passages reviewers cited, kept when their source is removed or
replaced, so verdicts still quote them

Revision ID: 5e8b2d4c9f17
Revises: a3f1c9e27b54
Create Date: 2026-11-27 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '5e8b2d4c9f17'
down_revision = 'a3f1c9e27b54'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'removed_passages',
        sa.Column('passage_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('uri', sa.String(length=2048), nullable=False),
        sa.Column('title', sa.String(length=1024), nullable=False),
        sa.Column('outlet', sa.String(length=256), nullable=True),
        sa.Column('url', sa.String(length=2048), nullable=True),
        sa.Column('published', sa.Date(), nullable=True),
        sa.Column('removed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('passage_id', name=op.f('pk_removed_passages')),
    )


def downgrade() -> None:
    op.drop_table('removed_passages')
