"""outlet labels: a desk's word on an outlet, shown with every passage from it

Revision ID: 9b2d6f4a8c17
Revises: 3c7e1a9f5b42
Create Date: 2026-12-07 09:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '9b2d6f4a8c17'
down_revision = '3c7e1a9f5b42'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outlet_labels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=256), nullable=False),
        sa.Column('outlet', sa.String(length=256), nullable=False),
        sa.Column('label', sa.String(length=64), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('set_by', sa.String(length=256), nullable=False),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )


def downgrade() -> None:
    op.drop_table('outlet_labels')
