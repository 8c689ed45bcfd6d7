"""outlet label changes: every label set, changed or cleared, kept

Revision ID: 6e4a2c8b1d37
Revises: 9b2d6f4a8c17
Create Date: 2026-12-07 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '6e4a2c8b1d37'
down_revision = '9b2d6f4a8c17'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outlet_label_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=256), nullable=False),
        sa.Column('outlet', sa.String(length=256), nullable=False),
        sa.Column('from_label', sa.String(length=64), nullable=True),
        sa.Column('to_label', sa.String(length=64), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('changed_by', sa.String(length=256), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        op.f('ix_outlet_label_changes_key'), 'outlet_label_changes', ['key'], unique=False
    )
    # The labels already set are where their history starts: set from none, by whoever
    # set them, when.
    op.execute(
        'INSERT INTO outlet_label_changes '
        '(key, outlet, from_label, to_label, note, changed_by, changed_at) '
        'SELECT key, outlet, NULL, label, note, set_by, set_at FROM outlet_labels ORDER BY id'
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_outlet_label_changes_key'), table_name='outlet_label_changes')
    op.drop_table('outlet_label_changes')
