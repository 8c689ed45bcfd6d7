"""database identity: a random id made with the schema, so an index folder can tell the
database it was built from (and refuse to be changed from another one)

Revision ID: a3f1c9e27b54
Revises: 7c2d9e4b1a60
Create Date: 2026-11-27 04:40:00.000000
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op


revision = 'a3f1c9e27b54'
down_revision = '7c2d9e4b1a60'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        'database_info',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('value', sa.String(length=256), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_database_info')),
    )
    op.bulk_insert(table, [{'key': 'database_id', 'value': uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table('database_info')
