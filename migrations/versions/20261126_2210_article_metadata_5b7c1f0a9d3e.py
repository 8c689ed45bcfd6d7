"""article metadata: url, outlet, author, date of the checked article, and the fact-check's url

Reports cite the checked article (ClaimReview's itemReviewed) and link the desk's published
fact-check; articles stored before this revision have none of these (all NULL).

Revision ID: 5b7c1f0a9d3e
Revises: e093a449a39a
Create Date: 2026-11-26 22:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '5b7c1f0a9d3e'
down_revision = 'e093a449a39a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('url', sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column('outlet', sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column('author', sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column('published', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('factcheck_url', sa.String(length=2048), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('factcheck_url')
        batch_op.drop_column('published')
        batch_op.drop_column('author')
        batch_op.drop_column('outlet')
        batch_op.drop_column('url')
