"""Engine and session set-up; migrations are applied on connect."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

import migrations
from verifier.errors import VerifierError

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and its folder created.

    Raises:
        VerifierError: the URL is malformed or names a driver that is not installed.
    """
    try:
        parsed = sa.make_url(url)
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError("verifier works with SQLite and PostgreSQL only")
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            # psycopg 3 is the driver we install; plain postgresql:// would ask for psycopg2.
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = sa.create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ImportError, ValueError) as error:
        raise VerifierError(
            f"cannot use database URL {url!r}: {error}; "
            "give e.g. sqlite:///path/verifier.db or postgresql://user:pass@host/db"
        ) from error
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic configuration pointing at ``migrations/``; bound to ``engine`` if given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the latest migration (a no-op when it is already there)."""
    config = alembic_config(engine)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as error:
        raise VerifierError(
            f"cannot reach the database at {engine.url.render_as_string()}: "
            f"{str(error.orig).strip().splitlines()[0]}; check --db / VERIFIER_DB_URL"
        ) from error


def connect(url: str) -> tuple[Engine, sessionmaker[Session]]:
    """Open the database at ``url``, migrate it to head, and return a session factory."""
    engine = make_engine(url)
    upgrade(engine)
    return engine, sessionmaker(engine, expire_on_commit=False)
