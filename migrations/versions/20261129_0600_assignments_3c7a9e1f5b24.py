"""assignments: who is to check a claim, who asked them and when; and every change of it

Revision ID: 3c7a9e1f5b24
Revises: 9f3d6b2e8c71
Create Date: 2026-11-29 06:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '3c7a9e1f5b24'
down_revision = '9f3d6b2e8c71'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'assignments',
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('assigned_to', sa.String(length=256), nullable=False),
        sa.Column('assigned_by', sa.String(length=256), nullable=False),
        sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['claim_id'],
            ['claims.id'],
            name=op.f('fk_assignments_claim_id_claims'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_assignments')),
    )
    with op.batch_alter_table('assignments') as batch:
        batch.create_index(batch.f('ix_assignments_assigned_to'), ['assigned_to'], unique=False)
    op.create_table(
        'assignment_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('from_name', sa.String(length=256), nullable=True),
        sa.Column('to_name', sa.String(length=256), nullable=True),
        sa.Column('changed_by', sa.String(length=256), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['claim_id'],
            ['claims.id'],
            name=op.f('fk_assignment_changes_claim_id_claims'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_changes')),
    )
    with op.batch_alter_table('assignment_changes') as batch:
        batch.create_index(
            batch.f('ix_assignment_changes_claim_id'), ['claim_id'], unique=False
        )


def downgrade() -> None:
    op.drop_table('assignment_changes')
    op.drop_table('assignments')
