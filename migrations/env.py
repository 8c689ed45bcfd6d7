"""Alembic environment: runs against the connection verifier hands in, or the URL in config.

verifier applies migrations with ``verifier db upgrade`` (also run by ``verifier init`` and the
app), which holds a lock so that concurrent starts are safe. By hand, for making a new
migration: ``VERIFIER_DB_URL=sqlite:///dev.db alembic -c migrations/alembic.ini revision
--autogenerate -m "what changed"``.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import context

from verifier.db.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = config.attributes.get("connection")
if given is not None:
    _configure(given)
else:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("VERIFIER_DB_URL")
    if not url:
        raise SystemExit("set VERIFIER_DB_URL to the database to migrate")
    if url.startswith("postgresql://"):  # the driver verifier installs is psycopg 3
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    with sa.create_engine(url).connect() as connection:
        _configure(connection)
        connection.commit()
