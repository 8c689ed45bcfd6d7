"""accounts: reviewers who sign in to the app, with salted password hashes, and the
browsers signed in (hashed session tokens)

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
        sa.Column('failed_sign_ins', sa.Integer(), nullable=False),
        sa.Column('paused_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
        sa.UniqueConstraint('name', name=op.f('uq_accounts_name')),
    )
    op.create_table(
        'account_sessions',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['account_id'],
            ['accounts.id'],
            name=op.f('fk_account_sessions_account_id_accounts'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_account_sessions')),
    )
    with op.batch_alter_table('account_sessions') as batch:
        batch.create_index(batch.f('ix_account_sessions_account_id'), ['account_id'], unique=False)


def downgrade() -> None:
    op.drop_table('account_sessions')
    op.drop_table('accounts')
