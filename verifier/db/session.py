"""Engine, sessions and the schema: migrations run explicitly, never as a side effect.

:func:`open_database` connects and checks that the schema is the one this version of verifier
was written for. Only :func:`upgrade` changes the schema; ``verifier db upgrade``, ``verifier
init``, ``verifier app`` and the app itself call it. It holds a lock while it migrates (an
advisory lock on PostgreSQL, an immediate transaction on SQLite), so several processes starting
at once on an empty database all succeed: the first creates the tables, the others find them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

import migrations
from verifier.db.models import DatabaseInfo
from verifier.errors import SchemaError, VerifierError, first_line

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent
VERSION_TABLE = "alembic_version"
# Any constant will do: PostgreSQL advisory locks are keyed by a number shared by all clients.
_MIGRATION_LOCK_KEY = 0x76657269  # "veri"


#: How long a SQLite writer waits for another's transaction before giving up, in ms. Writers
#: hold the lock for short transactions only (see :meth:`Database.writing`), so a wait this
#: long means something is stuck.
SQLITE_BUSY_MS = 15_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


def masked(url: str | sa.URL) -> str:
    """``url`` with its password hidden, for messages."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return "(unreadable URL)"


def make_engine(url: str, create: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on, and with ``create`` the folder of
    its file (nothing is made on disk for a database that is only read or checked).

    Raises:
        VerifierError: the URL is malformed or names a driver that is not installed.
    """
    try:
        parsed = sa.make_url(url)
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError("verifier works with SQLite and PostgreSQL only")
        if (
            create
            and parsed.get_backend_name() == "sqlite"
            and parsed.database
            not in (
                None,
                "",
                ":memory:",
            )
        ):
            try:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise ValueError(f"cannot make the folder of {parsed.database}: {error}") from None
        if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            # psycopg 3 is the driver we install; plain postgresql:// would ask for psycopg2.
            parsed = parsed.set(drivername="postgresql+psycopg")
        connect_args: dict[str, object] = {}
        if parsed.get_backend_name() == "sqlite":
            # sqlite3 keeps 128 prepared statements per connection; batched writes make many
            # distinct ones (IN lists, multi-row VALUES of varying length), about 25 MB on a
            # large ingest. 32 keeps the ones that repeat.
            connect_args["cached_statements"] = 32
        engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    except (ArgumentError, ImportError, ValueError) as error:
        # The message of a URL that does not parse may quote it, password and all.
        try:
            why = _unmasked_removed(first_line(error), sa.make_url(url).password)
        except (ArgumentError, ValueError):
            why = "it is not a URL of the form scheme://user:password@host:port/database"
        raise VerifierError(
            f"cannot use database URL {masked(url)!r}: {why}; "
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


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    """The migrations this version of verifier ships (read once per process)."""
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest migration this version of verifier ships."""
    head = _scripts().get_current_head()
    assert head is not None, "migrations/versions holds no migration"
    return head


@dataclass(frozen=True)
class SchemaState:
    """What :func:`schema_state` found: the revision stamped in the database, if any, and
    the tables that are there."""

    revision: str | None
    tables: frozenset[str]

    @property
    def empty(self) -> bool:
        return not self.tables


def schema_state(connection: sa.Connection) -> SchemaState:
    tables = frozenset(sa.inspect(connection).get_table_names())
    revision = None
    if VERSION_TABLE in tables:
        revision = connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return SchemaState(revision, tables)


def _known(revision: str) -> bool:
    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


def _refuse_foreign(state: SchemaState, url: str) -> None:
    """Raise when the database holds what is not a verifier schema we know."""
    if state.revision is None and state.tables:
        shown = ", ".join(sorted(state.tables)[:5])
        raise SchemaError(
            f"the database {url} holds tables that are not verifier's ({shown}); "
            "give an empty database or a verifier one with --db / VERIFIER_DB_URL"
        )
    if state.revision is not None and not _known(state.revision):
        raise SchemaError(
            f"the database {url} is at schema revision {state.revision}, which this version of "
            "verifier does not know (made by a newer verifier, or another program); "
            "upgrade verifier or give another database"
        )


@contextmanager
def _connected(engine: Engine) -> Iterator[sa.Connection]:
    """A connection; failing to connect (or losing the server on the way), or a connection
    option the driver refuses, is one line with the password masked."""
    try:
        connection = engine.connect()
    except DBAPIError as error:
        raise _unreachable(engine, error) from error
    with connection:
        try:
            yield connection
        except OperationalError as error:
            raise _unreachable(engine, error) from error


def _unreachable(engine: Engine, error: DBAPIError) -> VerifierError:
    reason = _unmasked_removed(first_line(error.orig or error), engine.url.password)
    return VerifierError(
        f"cannot reach the database at {masked(engine.url)}: {reason}; check --db / VERIFIER_DB_URL"
    )


def database_failure(error: DBAPIError, url: str) -> VerifierError:
    """One line for a database failure no step expected (a damaged SQLite file, a full disk,
    a server that went away): what the driver said, with the password masked, and what to
    do. The transaction in progress was rolled back (:meth:`Database.writing`), so what the
    command had committed before stays and nothing of the failed step was written."""
    where = masked(url)
    reason = _unmasked_removed(first_line(error.orig or error), sa.make_url(url).password)
    said = reason.lower()
    if "malformed" in said or "not a database" in said:
        file = sa.make_url(url).database or where
        return VerifierError(
            f"the SQLite database {file} is damaged ({reason}); move it aside and restore your "
            "last copy of it (the indexes follow the database on the next start), or give "
            "another database with --db / VERIFIER_DB_URL"
        )
    if "disk is full" in said or "no space left" in said:
        return VerifierError(
            f"the database {where} ran out of disk space ({reason}); the step in progress was "
            "not saved: free some space and try again"
        )
    if error.connection_invalidated or isinstance(error, OperationalError):
        return VerifierError(
            f"lost the database at {where}: {reason}; the step in progress was not saved: "
            "try again once the database is reachable (check --db / VERIFIER_DB_URL)"
        )
    return VerifierError(
        f"the database {where} failed: {reason}; the step in progress was not saved: try "
        "again, and report this line if it keeps failing"
    )


def _unmasked_removed(text: str, password: object) -> str:
    """``text`` with ``password`` (if any) replaced by ``***``."""
    return text.replace(str(password), "***") if password else text


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the newest migration, holding the migration lock.

    Returns:
        ``(revision before, revision after)``; equal when there was nothing to do.

    Raises:
        SchemaError: the database holds another program's tables or an unknown revision.
        VerifierError: the database cannot be reached.
    """
    config = alembic_config(engine)
    with _connected(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
            )
        else:
            # Takes SQLite's write lock now (waiting up to busy_timeout), not at the first DDL.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        before = schema_state(connection)
        _refuse_foreign(before, masked(engine.url))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()
        if connection.dialect.name == "sqlite":
            _use_wal(connection)
    return before.revision, head_revision()


def _use_wal(connection: sa.Connection) -> None:
    """Put a SQLite database in write-ahead-log mode: readers never wait for a writer, and a
    writer waits only for the one transaction ahead of it. The mode is kept in the file, so
    it is set here, once the database is known to be ours (in-memory ones keep theirs).

    Changing the mode needs the database to itself; while another process holds it (several
    starting at once), it is tried again a few times, and else left to the next start."""
    for attempt in range(10):
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        if str(mode).lower() in ("wal", "memory"):
            return
        try:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            return
        except OperationalError:
            connection.rollback()
            time.sleep(0.1 * (attempt + 1))
    log.warning(
        "could not switch %s to write-ahead logging; the next start will try again",
        masked(connection.engine.url),
    )


def _missing_sqlite_file(engine: Engine) -> str | None:
    """The path of a SQLite database file that does not exist yet (connecting would create it)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        return None
    return None if Path(database).exists() else database


def read_schema(url: str) -> SchemaState:
    """Where the database at ``url`` stands (changes nothing, creates no file).

    Raises:
        VerifierError: the URL cannot be used or the database cannot be reached.
    """
    engine = make_engine(url)
    try:
        if _missing_sqlite_file(engine):
            return SchemaState(None, frozenset())
        with _connected(engine) as connection:
            return schema_state(connection)
    finally:
        engine.dispose()


def check_schema(engine: Engine) -> None:
    """Refuse a database whose schema is not exactly the one this verifier expects.

    Raises:
        SchemaError: no verifier tables yet, an older schema, or a foreign/unknown one; the
            message says which command to run.
    """
    url = masked(engine.url)
    with _connected(engine) as connection:
        state = schema_state(connection)
    if state.empty:
        raise SchemaError(
            f"the database {url} has no verifier tables yet; run `verifier init` "
            "(or `verifier db upgrade`) first"
        )
    _refuse_foreign(state, url)
    if state.revision != head_revision():
        raise SchemaError(
            f"the database {url} has an older verifier schema ({state.revision}); "
            "run `verifier db upgrade`"
        )


def database_id(session: Session) -> str:
    """The random identity the schema's migration gave this database."""
    value = session.scalar(sa.select(DatabaseInfo.value).where(DatabaseInfo.key == "database_id"))
    if value is None:
        raise SchemaError("the database has no identity row; run `verifier db upgrade`")
    return value


class Database:
    """An engine and its session factory for one database URL.

    Use :func:`open_database`, which also checks (or upgrades) the schema.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        """The URL, password hidden (for messages and stats)."""
        return masked(self.engine.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error.

        For reading, and for writes that stand alone; a transaction that reads and then
        writes what it read takes :meth:`writing`.

        Raises:
            VerifierError: the database stayed locked by another writer (SQLite).
        """
        with _unlocked(self.url), self.sessions.begin() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session in a write transaction that holds the write lock from its start.

        On SQLite that is ``BEGIN IMMEDIATE``: writers queue for the lock (up to
        :data:`SQLITE_BUSY_MS`) before reading what they change, so no two of them act on
        the same snapshot. On PostgreSQL rows are locked where they are read (``SELECT ...
        FOR UPDATE``). Keep these transactions short: on SQLite they hold every other writer.

        Raises:
            VerifierError: the database stayed locked by another writer (SQLite).
        """
        with _unlocked(self.url), self.sessions.begin() as session:
            if self.engine.dialect.name == "sqlite":
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def _unlocked(url: str) -> Iterator[None]:
    """Turn SQLite's "database is locked" into a line that says what to do."""
    try:
        yield
    except OperationalError as error:
        if "locked" not in str(error.orig) and "busy" not in str(error.orig):
            raise
        raise VerifierError(
            f"the database {url} stayed busy with another writer for "
            f"{SQLITE_BUSY_MS // 1000} s; try again in a moment"
        ) from error


def open_database(url: str, *, upgrade_schema: bool = False) -> Database:
    """Connect to ``url`` and make sure its schema is current.

    Args:
        url: SQLAlchemy URL (``sqlite:///...`` or ``postgresql://...``).
        upgrade_schema: migrate to the newest schema first (``init``, ``db upgrade``, the app);
            otherwise a database that is not at the newest schema is refused.

    Raises:
        SchemaError: (without ``upgrade_schema``) the schema is missing, older or unknown.
        VerifierError: the URL cannot be used or the database cannot be reached.
    """
    engine = make_engine(url, create=upgrade_schema)
    try:
        missing = None if upgrade_schema else _missing_sqlite_file(engine)
        if missing:
            # Not even the file yet: say so without leaving an empty database file behind.
            raise SchemaError(
                f"no database at {missing} yet; run `verifier init` (or `verifier db upgrade`)"
            )
        if upgrade_schema:
            upgrade(engine)
        else:
            check_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine)
