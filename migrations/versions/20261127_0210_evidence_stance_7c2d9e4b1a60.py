"""evidence stance: what the stance model read in each ranked passage (supports / refutes /
neutral) and why, so the review page can show it next to the passage

Matches stored before this revision have none (NULL); scoring the claim again fills them.

Revision ID: 7c2d9e4b1a60
Revises: 5b7c1f0a9d3e
Create Date: 2026-11-27 02:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '7c2d9e4b1a60'
down_revision = '5b7c1f0a9d3e'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stance', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('stance_why', sa.String(length=512), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_column('stance_why')
        batch_op.drop_column('stance')
