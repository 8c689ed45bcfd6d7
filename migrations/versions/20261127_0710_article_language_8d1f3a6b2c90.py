"""article language: the ISO 639-1 code detected from an article's text

Revision ID: 8d1f3a6b2c90
Revises: 5e8b2d4c9f17
Create Date: 2026-11-27 07:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '8d1f3a6b2c90'
down_revision = '5e8b2d4c9f17'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('articles') as batch:
        batch.add_column(sa.Column('language', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('articles') as batch:
        batch.drop_column('language')
