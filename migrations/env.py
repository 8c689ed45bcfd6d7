"""Alembic environment: runs against the connection verifier hands in, or the URL in config.

Run by hand with ``alembic -c migrations/alembic.ini upgrade head`` (URL from
VERIFIER_DB_URL), or let ``verifier`` apply migrations when it opens a database.
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
    from verifier.db.session import make_engine

    url = config.get_main_option("sqlalchemy.url") or os.environ.get("VERIFIER_DB_URL")
    if not url:
        raise SystemExit("set VERIFIER_DB_URL to the database to migrate")
    with make_engine(url).connect() as connection:
        _configure(connection)
        connection.commit()
