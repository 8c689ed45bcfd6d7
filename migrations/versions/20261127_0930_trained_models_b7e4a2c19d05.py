"""trained models: a desk's own check-worthiness model, kept in the database

Revision ID: b7e4a2c19d05
Revises: 8d1f3a6b2c90
Create Date: 2026-11-27 09:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = 'b7e4a2c19d05'
down_revision = '8d1f3a6b2c90'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'trained_models',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('body', sa.JSON(), nullable=False),
        sa.Column('trained_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_trained_models')),
    )


def downgrade() -> None:
    op.drop_table('trained_models')
