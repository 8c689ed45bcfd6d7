"""The schema: migrations match the models, run only when asked, guarded against races, and
refuse databases that are not (yet) ours."""

import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import BACKENDS, PG_URL, drop_pg_database, make_pg_database, pg_admin
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError, OperationalError

from verifier.db.models import Account, Base, Claim, Document, Match, Passage, Verdict
from verifier.db.session import (
    alembic_config,
    database_failure,
    head_revision,
    make_engine,
    masked,
    open_database,
)
from verifier.errors import SchemaError, VerifierError
from verifier.labels import Label
from verifier.outlets import label_changes

INITIAL = "d492e01fb67a"


def test_migrations_create_exactly_the_models(db_url: str) -> None:
    db = open_database(db_url, upgrade_schema=True)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    assert diff == []
    assert version == head_revision()
    open_database(db_url).close()  # at head: opens without upgrading
    open_database(db_url, upgrade_schema=True).close()  # and upgrading again does nothing
    db.close()


def test_a_database_without_our_schema_is_refused_until_upgraded(
    db_url: str, tmp_path: Path
) -> None:
    with pytest.raises(SchemaError, match="run `verifier init`"):
        open_database(db_url)
    if db_url.startswith("sqlite"):
        assert not (tmp_path / "test.db").exists()  # no empty file left behind
    open_database(db_url, upgrade_schema=True).close()
    open_database(db_url).close()


def test_an_older_schema_is_refused_then_upgraded_keeping_data(db_url: str) -> None:
    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), INITIAL)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO claims (id, text, text_hash, checkworthiness, created_at) "
                "VALUES (1, 'c', 'h', 0.9, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO verdicts (claim_id, suggested, confidence, evidence, updated_at) "
                "VALUES (1, 'disputed', 0.7, '[]', CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    with pytest.raises(SchemaError, match=f"older verifier schema .{INITIAL}.*db upgrade"):
        open_database(db_url)
    db = open_database(db_url, upgrade_schema=True)
    with db.session() as s:
        verdict = s.get(Verdict, 1)
        assert verdict is not None and verdict.suggested == Label.DISPUTED
        # suggestions made before provenance was stored are stamped with what made them
        assert (verdict.retriever, verdict.stance_model, verdict.stance_version) == (
            "dense:all-MiniLM-L6-v2",
            "rules",
            "1",
        )
    db.close()


def test_accounts_made_before_roles_stay_able_to_assign_and_accept(db_url: str) -> None:
    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "6b1e8d3a7c52")  # accounts, no roles yet
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO accounts (name, password_hash, created_at, failed_sign_ins) "
                "VALUES ('Dana Ortiz', 'x', CURRENT_TIMESTAMP, 0)"
            )
        )
    engine.dispose()
    db = open_database(db_url, upgrade_schema=True)
    with db.session() as s:
        assert s.scalars(sa.select(Account.editor)).all() == [True]
    db.close()


def test_labels_set_before_their_history_was_kept_start_it(db_url: str) -> None:
    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "9b2d6f4a8c17")  # labels, no history yet
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO outlet_labels (key, outlet, label, note, set_by, set_at) "
                "VALUES ('rt', 'RT', 'state media', 'Kremlin-funded', 'Ana', CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    db = open_database(db_url, upgrade_schema=True)
    with db.session() as s:
        [change] = label_changes(s)
    assert (change.outlet, change.summary(), change.note, change.changed_by) == (
        "RT",
        "'state media' set",
        "Kremlin-funded",
        "Ana",
    )
    db.close()


def test_foreign_or_newer_databases_are_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    for upgrade_schema in (False, True):
        with pytest.raises(SchemaError, match="tables that are not verifier's .invoices."):
            open_database(db_url, upgrade_schema=upgrade_schema)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE invoices"))
    open_database(db_url, upgrade_schema=True).close()
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    engine.dispose()
    for upgrade_schema in (False, True):
        with pytest.raises(SchemaError, match="revision ffffffffffff, which this version"):
            open_database(db_url, upgrade_schema=upgrade_schema)


def _upgrade_in_a_new_process(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "verifier", "--db", url, "db", "upgrade"],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_three_processes_upgrading_an_empty_database_at_once_all_succeed(
    backend: str, tmp_path: Path
) -> None:
    url = make_pg_database() if backend == "postgresql" else f"sqlite:///{tmp_path / 'v.db'}"
    try:
        with ThreadPoolExecutor(3) as pool:
            results = list(pool.map(_upgrade_in_a_new_process, [url] * 3))
        for result in results:
            assert result.returncode == 0, result.stderr
        # The lock lets exactly one of them migrate; the others find the schema done.
        said = sorted(r.stdout.split(": schema ", 1)[1].strip() for r in results)
        assert said == [
            f"already at {head_revision()} (newest)",
            f"already at {head_revision()} (newest)",
            f"upgraded from (empty) to {head_revision()}",
        ]
        open_database(url).close()
    finally:
        if backend == "postgresql":
            drop_pg_database(url)


def test_deleting_a_document_cascades_to_passages_and_matches(db_url: str) -> None:
    db = open_database(db_url, upgrade_schema=True)
    with db.session() as s:
        doc = Document(uri="u", title="t", format="txt", content_hash="h", text="abc def ghi jkl")
        doc.passages.append(Passage(seq=0, start=0, end=3, text="abc", text_hash="x"))
        claim = Claim(text="c", text_hash="c", checkworthiness=0.9)
        s.add_all([doc, claim])
        s.flush()
        s.add(Match(claim_id=claim.id, passage_id=doc.passages[0].id, rank=1, score=0.9))
    with db.session() as s:
        s.delete(s.scalars(sa.select(Document)).one())
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Passage)) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(Match)) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(Claim)) == 1
    db.close()


def test_verdict_labels_are_checked_by_the_database(db_url: str) -> None:
    db = open_database(db_url, upgrade_schema=True)
    with db.session() as s:
        claim = Claim(text="c", text_hash="c", checkworthiness=0.9)
        s.add(claim)
    with pytest.raises(sa.exc.IntegrityError):
        with db.session() as s:
            s.add(Verdict(claim_id=claim.id, suggested="true-ish", confidence=0.5, evidence=[]))
    with db.session() as s:  # and a label read back is a Label
        s.add(Verdict(claim_id=claim.id, suggested=Label.SUPPORTED, confidence=0.5, evidence=[]))
    with db.session() as s:
        assert s.get(Verdict, claim.id).suggested is Label.SUPPORTED  # type: ignore[union-attr]
    db.close()


def test_bad_database_url_is_one_clear_error_without_the_password() -> None:
    with pytest.raises(VerifierError, match="cannot use database URL"):
        open_database("nonsense://")
    with pytest.raises(VerifierError, match="SQLite and PostgreSQL only") as raised:
        open_database("mysql://u:secret@localhost/db")
    assert "secret" not in str(raised.value)
    with pytest.raises(VerifierError, match="cannot reach the database") as raised:
        open_database("postgresql://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in str(raised.value)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:s3cret@db.example:notaport/db",  # a port that is not a number
        "postgresql://u:s3cret@[::1/db",  # an address that does not close
        "u:s3cret@db.example/db",  # no scheme
        "postgresql+nodriver://u:s3cret@db.example/db",
        "postgresql://u:s3cret@127.0.0.1:1/db?connect_timeout=abc",  # an option psycopg refuses
        "postgresql://u:s3cret@127.0.0.1:1/db",
        "postgresql://u:s3cret@/db?host=/nonexistent",
    ],
)
def test_no_database_error_shows_the_password(url: str) -> None:
    with pytest.raises(VerifierError) as raised:
        open_database(url)
    message = str(raised.value)
    assert "s3cret" not in message
    assert message.startswith(("cannot use database URL", "cannot reach the database"))
    assert "\n" not in message


def test_each_kind_of_database_failure_says_what_to_do() -> None:
    url = "postgresql://desk:s3cret@db.example/verifier"

    def failure(error: Exception, kind: type[DBAPIError] = OperationalError) -> str:
        return str(database_failure(kind("SELECT 1", {}, error), url))

    full = failure(sqlite3.OperationalError("database or disk is full"))
    assert full.startswith("the database postgresql://desk:***@db.example/verifier ran out")
    assert full.endswith("free some space and try again")
    other = failure(sqlite3.IntegrityError("s3cret constraint failed"), IntegrityError)
    assert other == (
        "the database postgresql://desk:***@db.example/verifier failed: *** constraint "
        "failed; the step in progress was not saved: try again, and report this line if it "
        "keeps failing"
    )
    damaged = str(
        database_failure(
            DatabaseError("SELECT 1", {}, sqlite3.DatabaseError("file is not a database")),
            "sqlite:////desk/verifier.db",
        )
    )
    assert damaged.startswith("the SQLite database /desk/verifier.db is damaged")


@pytest.mark.pg
@pytest.mark.skipif(not PG_URL, reason="needs the PostgreSQL test server (scripts/test starts it)")
def test_a_server_ending_the_session_mid_write_is_one_line_and_writes_nothing() -> None:
    url = make_pg_database()
    db = open_database(url, upgrade_schema=True)
    try:
        with pytest.raises(DBAPIError) as raised, db.writing() as session:
            session.add(Document(uri="u", title="t", format="txt", content_hash="h", text="a b"))
            session.flush()
            pid = session.scalar(sa.text("SELECT pg_backend_pid()"))
            with pg_admin() as admin:  # as a restart or an administrator would
                admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            session.execute(sa.text("SELECT 1"))
        message = str(database_failure(raised.value, url))
        assert message.startswith(f"lost the database at {masked(url)}: ")
        assert message.endswith(
            "try again once the database is reachable (check --db / VERIFIER_DB_URL)"
        )
        assert "\n" not in message and f":{sa.make_url(url).password}@" not in message
        with db.session() as session:  # the pool connects again; the document was not kept
            assert session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0
    finally:
        db.close()
        drop_pg_database(url)


def test_sqlite_is_put_in_wal_mode_and_a_foreign_file_is_left_alone(tmp_path: Path) -> None:
    ours = tmp_path / "ours.db"
    open_database(f"sqlite:///{ours}", upgrade_schema=True).close()
    with sqlite3.connect(ours) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER)")
    before = foreign.read_bytes()
    with pytest.raises(VerifierError, match="not verifier's"):
        open_database(f"sqlite:///{foreign}", upgrade_schema=True)
    assert foreign.read_bytes() == before
    assert not list(tmp_path.glob("foreign.db-*")), "a write-ahead log was started on it"


def test_checking_a_database_that_is_not_there_makes_nothing(tmp_path: Path) -> None:
    with pytest.raises(VerifierError, match="no database at"):
        open_database(f"sqlite:///{tmp_path / 'not' / 'yet' / 'verifier.db'}")
    assert not (tmp_path / "not").exists()
