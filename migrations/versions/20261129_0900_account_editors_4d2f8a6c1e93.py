"""accounts.editor: an editor also hands claims to others and accepts suggestions in bulk

Accounts made before roles existed could do both, and keep that: they become editors.

Revision ID: 4d2f8a6c1e93
Revises: 6b1e8d3a7c52
Create Date: 2026-11-29 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '4d2f8a6c1e93'
down_revision = '6b1e8d3a7c52'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(
            sa.Column('editor', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    accounts = sa.table('accounts', sa.column('editor', sa.Boolean()))
    op.execute(sa.update(accounts).values(editor=True))


def downgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('editor')
