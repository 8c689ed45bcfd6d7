"""claim row fields: the other columns of a listed claim's row in its file (a desk's own
reference, say), carried to reports

Revision ID: e2b9c7d41a58
Revises: c4e8a1d2f6b3
Create Date: 2026-11-29 04:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = 'e2b9c7d41a58'
down_revision = 'c4e8a1d2f6b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claims') as batch:
        batch.add_column(sa.Column('row_fields', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('claims') as batch:
        batch.drop_column('row_fields')
