"""accounts: reviewers who sign in to the app, with salted password hashes

Revision ID: 9f3d6b2e8c71
Revises: e2b9c7d41a58
Create Date: 2026-11-29 04:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '9f3d6b2e8c71'
down_revision = 'e2b9c7d41a58'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=256), nullable=False),
        sa.Column('password_hash', sa.String(length=256), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('signed_in_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
        sa.UniqueConstraint('name', name=op.f('uq_accounts_name')),
    )


def downgrade() -> None:
    op.drop_table('accounts')
