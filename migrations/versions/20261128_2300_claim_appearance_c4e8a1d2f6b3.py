"""claim appearance: where a claim of a desk's list was seen (a post, a video), who made
it there and when

Revision ID: c4e8a1d2f6b3
Revises: b7e4a2c19d05
Create Date: 2026-11-28 23:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = 'c4e8a1d2f6b3'
down_revision = 'b7e4a2c19d05'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claims') as batch:
        batch.add_column(sa.Column('appearance_url', sa.String(length=2048), nullable=True))
        batch.add_column(sa.Column('appearance_author', sa.String(length=256), nullable=True))
        batch.add_column(sa.Column('appearance_date', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('claims') as batch:
        batch.drop_column('appearance_date')
        batch.drop_column('appearance_author')
        batch.drop_column('appearance_url')
