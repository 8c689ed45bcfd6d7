"""verdicts.bulk_accepted: the reviewer's verdict is a suggestion accepted in bulk

Revision ID: 6b1e8d3a7c52
Revises: 3c7a9e1f5b24
Create Date: 2026-11-29 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '6b1e8d3a7c52'
down_revision = '3c7a9e1f5b24'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('verdicts') as batch:
        batch.add_column(
            sa.Column('bulk_accepted', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('verdicts') as batch:
        batch.drop_column('bulk_accepted')
