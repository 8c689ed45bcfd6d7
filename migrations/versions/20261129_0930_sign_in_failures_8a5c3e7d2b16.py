"""sign_in_failures: wrong passwords counted per name typed and client address

Replaces accounts.failed_sign_ins and accounts.paused_until: a pause now stops one name's
sign-in from one address (so nobody locks a reviewer out from elsewhere), and names that are
no account's are counted the same (so a pause does not tell which names are accounts).
Failures counted before the upgrade are dropped with the columns.

Revision ID: 8a5c3e7d2b16
Revises: 4d2f8a6c1e93
Create Date: 2026-11-29 09:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '8a5c3e7d2b16'
down_revision = '4d2f8a6c1e93'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sign_in_failures',
        sa.Column('name', sa.String(length=256), nullable=False),
        sa.Column('client', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('paused_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('name', 'client'),
    )
    op.create_index(
        op.f('ix_sign_in_failures_last_failed_at'), 'sign_in_failures', ['last_failed_at']
    )
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('failed_sign_ins')
        batch.drop_column('paused_until')


def downgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('paused_until', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column('failed_sign_ins', sa.Integer(), server_default='0', nullable=False)
        )
    op.drop_index(op.f('ix_sign_in_failures_last_failed_at'), table_name='sign_in_failures')
    op.drop_table('sign_in_failures')
