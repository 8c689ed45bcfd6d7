"""A desk's database copied whole to another: from SQLite to PostgreSQL when the desk grows
past one machine, or from PostgreSQL to a SQLite file to keep or hand over
(``verifier db copy --to URL``).

Every table is copied, ids and all, so verdicts, their history and citations name the same
claims and passages; only the target's own identity (``database_id``, which an index folder
is tied to) stays its own, so the index is built for it by ``verifier index rebuild``. The
source is read as one snapshot (a ``BEGIN`` on SQLite, ``REPEATABLE READ`` on PostgreSQL),
so a desk at work while it runs is copied as it stood; the target is written in one
transaction into a database that holds no verifier data yet (its schema is made or brought
up to date first), so a failed copy leaves it empty. On PostgreSQL the id sequences are then
set past the highest id copied (a passage's past every id ever retired), so new rows never
take an old id. Times are copied as UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from verifier.backup import COUNTED
from verifier.citations import RETIRED_ID_KEY
from verifier.db.models import Base
from verifier.db.session import Database, masked, open_database
from verifier.errors import InputError

#: Rows read and written at a time.
CHUNK = 1000
_INFO, _IDENTITY = "database_info", "database_id"


@dataclass(frozen=True)
class CopyReport:
    """Rows copied per table, and where to."""

    target: str
    rows: dict[str, int]

    def summary(self) -> str:
        shown = ", ".join(f"{self.rows.get(table, 0)} {what}" for table, what in COUNTED.items())
        total = sum(self.rows.values())
        return f"copied to {self.target}: {shown} ({total} rows in {len(self.rows)} tables)"


def copy_database(source_url: str, target_url: str) -> CopyReport:
    """Copy the verifier database at ``source_url`` (at the current schema) into the one at
    ``target_url`` (made or upgraded first; it must hold no verifier data).

    Raises:
        InputError: the same database twice, or a target that already holds data; nothing is
            written to it.
        SchemaError: the source is not at the current schema (``verifier db upgrade``).
        VerifierError: either database cannot be reached.
    """
    if sa.make_url(source_url) == sa.make_url(target_url):
        raise InputError("the database to copy to is this one; give another with --to")
    source = open_database(source_url)
    try:
        target = open_database(target_url, upgrade_schema=True)
        try:
            rows = _copy(source, target)
        finally:
            target.close()
    finally:
        source.close()
    return CopyReport(masked(target_url), rows)


def _copy(source: Database, target: Database) -> dict[str, int]:
    tables = Base.metadata.sorted_tables  # parents before the rows that name them
    with _snapshot(source) as read, target.engine.begin() as write:
        held = {
            table.name: count
            for table in tables
            if table.name != _INFO
            and (count := write.scalar(sa.select(sa.func.count()).select_from(table)))
        }
        if held:
            shown = ", ".join(f"{count} {name}" for name, count in sorted(held.items())[:3])
            raise InputError(
                f"{masked(target.url)} already holds verifier data ({shown}); copy into an "
                "empty database, so that nothing is overwritten"
            )
        rows: dict[str, int] = {}
        for table in tables:
            query = sa.select(table)
            if table.name == _INFO:  # the target keeps its own identity
                query = query.where(table.c.key != _IDENTITY)
            times = [c.name for c in table.columns if isinstance(c.type, sa.DateTime)]
            result = read.execution_options(yield_per=CHUNK).execute(query).mappings()
            rows[table.name] = 0
            for chunk in result.partitions(CHUNK):
                write.execute(table.insert(), [_in_utc(dict(row), times) for row in chunk])
                rows[table.name] += len(chunk)
        if write.dialect.name == "postgresql":
            _advance_sequences(write)
    return rows


@contextmanager
def _snapshot(database: Database) -> Iterator[sa.Connection]:
    """A connection that reads ``database`` as it stood when the first row was read."""
    if database.engine.dialect.name == "postgresql":
        with (
            database.engine.connect().execution_options(
                isolation_level="REPEATABLE READ"
            ) as connection,
            connection.begin(),
        ):
            yield connection
        return
    with database.engine.connect() as connection:
        # sqlite3 opens no transaction for reads: each SELECT would see the latest commit.
        connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.exec_driver_sql("ROLLBACK")


def _in_utc(row: dict[str, object], times: list[str]) -> dict[str, object]:
    """``row`` with its times as UTC (SQLite keeps them without a zone, as UTC)."""
    for name in times:
        value = row[name]
        if isinstance(value, datetime):
            row[name] = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return row


def _advance_sequences(write: sa.Connection) -> None:
    """Each serial id's sequence past the highest id copied (a passage's, past the highest
    ever retired too), so that new rows never take an id a copied row or citation holds."""
    retired = write.scalar(
        sa.text(f"SELECT value FROM {_INFO} WHERE key = :key"), {"key": RETIRED_ID_KEY}
    )
    for table in Base.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
            continue
        column = keys[0].name
        sequence = write.scalar(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column},
        )
        if sequence is None:
            continue
        highest = write.scalar(sa.select(sa.func.max(table.c[column]))) or 0
        if table.name == "passages" and retired:
            highest = max(highest, int(retired))
        if highest:
            write.execute(
                sa.text("SELECT setval(:sequence, :value)"),
                {"sequence": sequence, "value": highest},
            )
