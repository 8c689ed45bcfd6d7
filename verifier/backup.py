"""A desk's work in one file, and back: ``verifier backup`` and ``verifier restore``.

What cannot be made again is the database (claims, verdicts and their history, accounts,
sources' text) and the source files uploaded in the app (``uploads/``: a source uploaded
again is read against them). A backup holds those two and a manifest; the vector and word
indexes and the model cache are left out, since every command rebuilds them from the
database (``verifier index check`` says so until then).

The database is copied by SQLite's online backup (:meth:`sqlite3.Connection.backup`): a
consistent copy of what was committed, taken while the app may be writing, which copying the
file (and its write-ahead log) is not. A PostgreSQL database is refused: ``pg_dump`` and
``pg_restore`` are the tools for it. The archive is written to a temporary file and renamed
into place, so a failed run leaves no half archive.

A restore goes into a data folder without a database (nothing is overwritten). Uploaded
sources are named by their path, so those under the old data folder's ``uploads/`` are
renamed to the new one's, and uploading one again still updates it in place. An older
backup is brought to the current schema as ``verifier init`` would.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

import sqlalchemy as sa

from verifier.config import Settings
from verifier.db.session import open_database
from verifier.errors import InputError, SchemaError

MANIFEST = "verifier-backup.json"
DATABASE = "verifier.db"
UPLOADS = "uploads"
#: What a backup (and a database copy) counts, by table, for its summary and manifest.
COUNTED = {"claims": "claims", "verdict_changes": "verdict changes", "documents": "sources"}
#: Tables whose ``uri`` names a source, renamed from the old data folder's uploads on restore.
_URI_TABLES = ("documents", "removed_passages")


@dataclass(frozen=True)
class BackupReport:
    """What a backup holds (or a restore put back)."""

    path: Path
    counts: dict[str, int]
    uploads: int

    def summary(self, done: str = "backed up to") -> str:
        counted = ", ".join(
            f"{self.counts.get(table, 0)} {what}" for table, what in COUNTED.items()
        )
        return f"{done} {self.path}: {counted}, {self.uploads} uploaded file(s)"


def backup(settings: Settings, out: Path) -> BackupReport:
    """Write the database and the uploaded sources of ``settings`` to the zip archive ``out``.

    Raises:
        InputError: the database is not SQLite or does not exist, it is damaged, or ``out``
            cannot be written; nothing is left at ``out``.
    """
    source = _sqlite_file(settings, "backed up with pg_dump (pg_dump --format=custom URL)")
    if not source.is_file():
        raise InputError(f"no database at {source}; nothing to back up")
    uploads = settings.home / UPLOADS
    out = out.resolve()
    if not out.parent.is_dir():
        raise InputError(f"{out.parent}: no such folder; make it, or write the backup elsewhere")
    with tempfile.TemporaryDirectory(prefix=".verifier-backup-", dir=out.parent) as folder:
        copy = Path(folder) / DATABASE
        _snapshot(source, copy)
        counts = _counts(copy)
        files = sorted(_uploaded(uploads))
        manifest = {
            "verifier": _version(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "home": str(settings.home.resolve()),
            "database": DATABASE,
            "counts": counts,
            "uploads": len(files),
        }
        staged = Path(folder) / "backup.zip"
        try:
            with zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
                archive.write(copy, DATABASE)
                for path in files:
                    archive.write(path, f"{UPLOADS}/{path.relative_to(uploads).as_posix()}")
            os.replace(staged, out)
        except OSError as error:
            raise InputError(f"{out}: cannot be written ({error.strerror or error})") from None
    return BackupReport(out, counts, len(files))


def restore(settings: Settings, archive_path: Path) -> BackupReport:
    """Put the backup ``archive_path`` back into the data folder of ``settings``, whose
    database must not exist yet; the schema is brought up to date. The indexes are rebuilt by
    the next command that opens the workbench.

    Raises:
        InputError: not a verifier backup, a damaged one, or a data folder that already has a
            database or uploads; nothing is changed.
    """
    target = _sqlite_file(settings, "restored with pg_restore from a pg_dump")
    uploads = settings.home / UPLOADS
    if target.exists():
        raise InputError(
            f"{target} exists; restore into a data folder without a database (--home NEW), "
            "so that nothing is overwritten"
        )
    if any(_uploaded(uploads)):
        raise InputError(
            f"{uploads} holds files; restore into a new data folder (--home NEW), so that "
            "nothing is overwritten"
        )
    try:
        archive = zipfile.ZipFile(archive_path)
    except (OSError, zipfile.BadZipFile) as error:
        raise InputError(f"{archive_path}: not a verifier backup ({error})") from None
    with archive:
        manifest = _manifest(archive, archive_path)
        members = _members(archive, archive_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Everything is unpacked and checked in a folder of its own, then moved into place:
        # the uploads, then the database (whose presence says the restore is done).
        with tempfile.TemporaryDirectory(prefix=".verifier-restore-", dir=target.parent) as tmp:
            copy = Path(tmp) / DATABASE
            _unpack(archive, archive_path, [(DATABASE, copy)])
            _check(copy, archive_path)
            _upgrade(copy, archive_path)
            old = str(manifest.get("home") or "")
            if old:
                _move_uploads(copy, Path(old) / UPLOADS, uploads.resolve())
            counts = _counts(copy)
            unpacked = Path(tmp) / UPLOADS
            _unpack(
                archive,
                archive_path,
                [(name, unpacked / PurePosixPath(name).relative_to(UPLOADS)) for name in members],
            )
            if members:
                shutil.rmtree(uploads, ignore_errors=True)  # empty folders at most (checked)
                shutil.move(unpacked, uploads)
            os.replace(copy, target)
    return BackupReport(target, counts, len(members))


def _unpack(archive: zipfile.ZipFile, path: Path, members: list[tuple[str, Path]]) -> None:
    """Each archive member named to its file; a damaged member refuses the archive."""
    try:
        for name, file in members:
            file.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(name) as packed, file.open("wb") as unpacked:
                shutil.copyfileobj(packed, unpacked)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as error:
        raise InputError(f"{path}: a damaged backup ({error}); nothing was restored") from None


def _sqlite_file(settings: Settings, other: str) -> Path:
    """The SQLite database file of ``settings``; any other database is refused, saying it is
    ``other``."""
    url = sa.make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise InputError(
            f"the database is {url.get_backend_name()}, not SQLite: it is {other}; "
            f"`verifier backup` and `verifier restore` copy a SQLite database and the "
            f"uploads folder ({settings.home / UPLOADS})"
        )
    return Path(url.database)


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the SQLite file ``path``, committed and closed after the block."""
    with closing(sqlite3.connect(path)) as db, db:
        yield db


def _snapshot(source: Path, copy: Path) -> None:
    """A consistent copy of the SQLite database ``source`` at ``copy``, then checked."""
    try:
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(copy)) as kept:
            live.backup(kept)
    except sqlite3.DatabaseError as error:
        raise InputError(f"{source}: cannot be copied ({error}); nothing was written") from None
    _check(copy, source)


def _check(copy: Path, named: Path) -> None:
    """Refuse a copy SQLite finds damaged, or that holds no verifier database."""
    try:
        with _sqlite(copy) as db:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise InputError(f"{named}: not a readable database ({error})") from None
    if verdict != "ok":
        raise InputError(f"{named}: the database is damaged ({verdict})")
    if not {"alembic_version", "claims"} <= tables:
        raise InputError(f"{named}: holds no verifier database")


def _upgrade(copy: Path, archive_path: Path) -> None:
    """Bring the restored database ``copy`` to the current schema, before it is put in
    place; one from a newer verifier is refused."""
    try:
        open_database(f"sqlite:///{copy}", upgrade_schema=True).close()
    except SchemaError:
        raise InputError(
            f"{archive_path}: its database has a schema this verifier does not know (made by a "
            "newer verifier); upgrade verifier to restore it"
        ) from None
    # Every change in the database file itself, not in a write-ahead log left beside it.
    with _sqlite(copy) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _counts(copy: Path) -> dict[str, int]:
    """How many rows each of :data:`COUNTED` holds (none where an older schema lacks it)."""
    with _sqlite(copy) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        counts = {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            if table in tables
            else 0
            for table in COUNTED
        }
    return counts


def _uploaded(folder: Path) -> list[Path]:
    """The files kept under ``uploads/`` (not an upload being staged: ``.staging-*``)."""
    if not folder.is_dir():
        return []
    return [
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not path.is_symlink()
        and not any(part.startswith(".staging-") for part in path.relative_to(folder).parts)
    ]


def _manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, object]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise InputError(f"{path}: not a verifier backup (it has no {MANIFEST})") from None
    except (ValueError, zipfile.BadZipFile, OSError) as error:
        raise InputError(f"{path}: a damaged backup ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("database") != DATABASE:
        raise InputError(f"{path}: not a verifier backup ({MANIFEST} names no database)")
    return manifest


def _members(archive: zipfile.ZipFile, path: Path) -> list[str]:
    """The uploaded files the backup holds; anything else but the database and manifest,
    or a name reaching out of the folder, makes it no verifier backup."""
    names = archive.namelist()
    if DATABASE not in names:
        raise InputError(f"{path}: not a verifier backup (it holds no {DATABASE})")
    members = []
    for name in names:
        if name in (MANIFEST, DATABASE) or name.endswith("/"):
            continue
        parts = PurePosixPath(name).parts
        if parts[0] != UPLOADS or ".." in parts or name.startswith("/") or "\\" in name:
            raise InputError(f"{path}: not a verifier backup (it holds {name!r})")
        members.append(name)
    return members


def _move_uploads(copy: Path, old: Path, new: Path) -> None:
    """Rename the sources under the old data folder's uploads to the new one's."""
    before, after = f"{old}{os.sep}", f"{new}{os.sep}"
    if before == after:
        return
    with _sqlite(copy) as db:
        for table in _URI_TABLES:
            db.execute(
                f"UPDATE {table} SET uri = ? || substr(uri, ?) WHERE substr(uri, 1, ?) = ?",
                (after, len(before) + 1, len(before), before),
            )


def _version() -> str:
    try:
        return version("verifier")
    except PackageNotFoundError:
        return "unknown"
