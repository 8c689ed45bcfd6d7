"""A desk's work backed up to one file while it goes on, and restored into another data
folder: claims, verdicts and their history, sources (uploaded ones updating in place as
before), the indexes rebuilt; bad archives and occupied folders refused with one line."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from click.testing import CliRunner
from fakes import HashEmbedder
from reports import review_claims

from verifier import pipeline
from verifier.backup import COUNTED, DATABASE, MANIFEST, backup, restore
from verifier.cli import cli
from verifier.config import Settings
from verifier.db.models import Claim
from verifier.db.session import alembic_config, make_engine, open_database
from verifier.errors import InputError
from verifier.export import ReportFilter, report_records
from verifier.review import history
from verifier.workbench import Workbench

#: The first migration (tests/test_db.py).
INITIAL = "d492e01fb67a"
STATEMENT = b"---\ntitle: MoD statement\n---\nThe ministry confirmed 28 jets at Latakia.\n"


def desk(home: Path) -> Settings:
    return Settings(home=home, stance_model="rules")


def opened(settings: Settings) -> Workbench:
    return Workbench.open(settings, upgrade=True, embedder=HashEmbedder())


@pytest.fixture
def worked(tmp_path: Path, sources: Path) -> Settings:
    """A desk's data folder: sources (one uploaded), an article's claims matched, two
    reviewed (one twice)."""
    settings = desk(tmp_path / "desk")
    with opened(settings) as bench:
        review_claims(bench, sources)
        pipeline.ingest_uploads(bench, [("statement.txt", STATEMENT)])
    return settings


def records(settings: Settings) -> list[dict[str, object]]:
    with opened(settings) as bench, bench.db.session() as session:
        rows = list(report_records(session, ReportFilter(reviewed_only=False)))
    return [{k: v for k, v in row.items() if k != "evidence"} for row in rows]


def test_a_backup_taken_while_the_desk_writes_comes_back_whole(
    worked: Settings, tmp_path: Path
) -> None:
    before = records(worked)
    with sqlite3.connect(worked.home / DATABASE) as live:
        counted = {t: live.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}
        vectors = live.execute("SELECT count(*) FROM passages").fetchone()[0]
    live.close()
    assert counted["verdict_changes"] == 3 and counted["documents"] > 1
    # A write under way in another connection (the app) is not in the copy, and does not
    # stop it.
    busy = sqlite3.connect(worked.home / DATABASE)
    busy.execute("BEGIN IMMEDIATE")
    busy.execute("UPDATE claims SET text = 'half-written' WHERE id = 1")
    made = backup(worked, tmp_path / "desk.zip")
    busy.rollback()
    busy.close()
    assert made.counts == counted and made.uploads == 1
    assert made.summary() == (
        f"backed up to {tmp_path / 'desk.zip'}: {counted['claims']} claims, 3 verdict "
        f"changes, {counted['documents']} sources, 1 uploaded file(s)"
    )
    with zipfile.ZipFile(tmp_path / "desk.zip") as archive:
        names = sorted(archive.namelist())
        manifest = json.loads(archive.read(MANIFEST))
    assert names == ["uploads/sources/statement.txt", MANIFEST, DATABASE]
    assert manifest["home"] == str(worked.home.resolve()) and manifest["counts"] == made.counts
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".verifier-backup-")]

    again = desk(tmp_path / "restored")
    back = restore(again, tmp_path / "desk.zip")
    assert back.counts == made.counts and back.uploads == 1
    assert records(again) == before  # every claim, suggestion and verdict as it was
    with opened(again) as bench:
        with bench.db.session() as session:
            assert len(history(session, 2)) == 2  # the second claim's two reviews
        assert bench.corpus.stats()["vectors"] == vectors  # rebuilt from the database
        found = pipeline.find_passages(bench, "ministry confirmed 28 jets", 1)
        kept = again.home / "uploads" / "sources" / "statement.txt"
        assert found[0].uri == str(kept.resolve())  # the upload, renamed to its new place
        assert kept.read_bytes() == STATEMENT
        # Uploaded again in the new folder, it is the same source: unchanged, not a new one.
        report = pipeline.ingest_uploads(bench, [("statement.txt", STATEMENT)])
        assert (report.added, report.unchanged) == (0, 1)


def test_restoring_never_overwrites_and_bad_archives_are_refused(
    worked: Settings, tmp_path: Path
) -> None:
    made = backup(worked, tmp_path / "desk.zip").path
    with pytest.raises(InputError, match=r"verifier\.db exists; restore into a data folder"):
        restore(worked, made)
    fresh = desk(tmp_path / "fresh")
    (fresh.home / "uploads" / "sources").mkdir(parents=True)
    (fresh.home / "uploads" / "sources" / "mine.txt").write_text("kept\n")
    with pytest.raises(InputError, match="holds files; restore into a new data folder"):
        restore(fresh, made)
    bad = tmp_path / "bad"
    newer = tmp_path / "newer.db"  # the desk's database, as a newer verifier would leave it
    with sqlite3.connect(newer) as db, sqlite3.connect(worked.home / DATABASE) as live:
        live.backup(db)
        db.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    db.close()
    live.close()
    cases = {
        "notzip.zip": (b"PK not really", "not a verifier backup"),
        "nomanifest.zip": ({DATABASE: b"x"}, f"not a verifier backup (it has no {MANIFEST})"),
        "escape.zip": (
            {MANIFEST: json.dumps({"database": DATABASE}), DATABASE: b"", "../evil": b"x"},
            "not a verifier backup (it holds '../evil')",
        ),
        "nodb.zip": ({MANIFEST: json.dumps({"database": DATABASE})}, "it holds no verifier.db"),
        "newer.zip": (
            {MANIFEST: json.dumps({"database": DATABASE}), DATABASE: newer.read_bytes()},
            "a schema this verifier does not know (made by a newer verifier)",
        ),
        "junk.zip": (
            {MANIFEST: json.dumps({"database": DATABASE}), DATABASE: b"not sqlite" * 100},
            "not a readable database",
        ),
    }
    crc = tmp_path / "crc.zip"  # a bit flipped in the stored database: its CRC fails
    with zipfile.ZipFile(crc, "w") as archive:
        archive.writestr(MANIFEST, json.dumps({"database": DATABASE}))
        archive.writestr(DATABASE, newer.read_bytes())
    damaged = bytearray(crc.read_bytes())
    damaged[damaged.find(b"SQLite format 3") + 200] ^= 1
    cases["crc.zip"] = (bytes(damaged), "a damaged backup (Bad CRC-32")
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            with zipfile.ZipFile(path, "w") as archive:
                for member, data in content.items():
                    archive.writestr(member, data)
        target = desk(bad / name)
        with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
            restore(target, path)
        assert not (target.home / DATABASE).exists()  # nothing left behind
        assert not (target.home / "uploads").exists()


def test_a_backup_made_by_an_older_verifier_is_brought_up_to_date(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{old}")
    command.upgrade(alembic_config(engine), INITIAL)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO claims (id, text, text_hash, checkworthiness, created_at) "
                "VALUES (1, 'Russia moved 28 jets to Latakia.', 'h', 0.9, CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    archive = tmp_path / "old.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr(MANIFEST, json.dumps({"database": DATABASE, "home": "/gone"}))
        packed.write(old, DATABASE)
    settings = desk(tmp_path / "restored")
    assert restore(settings, archive).counts["claims"] == 1
    database = open_database(settings.database_url)  # no upgrade asked: it is current
    with database.session() as session:
        assert session.scalars(sa.select(Claim.text)).all() == ["Russia moved 28 jets to Latakia."]
    database.close()


def test_a_postgresql_database_is_left_to_its_own_tools(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", db_url="postgresql://u:p@db.example/desk")
    with pytest.raises(InputError, match=r"postgresql, not SQLite: it is backed up with pg_dump"):
        backup(settings, tmp_path / "desk.zip")
    with pytest.raises(InputError, match="restored with pg_restore"):
        restore(settings, tmp_path / "desk.zip")
    with pytest.raises(InputError, match="no database at"):
        backup(desk(tmp_path / "empty"), tmp_path / "desk.zip")
    assert not (tmp_path / "desk.zip").exists()


def test_the_commands_back_up_and_restore(worked: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "desk.zip"
    done = runner.invoke(cli, ["--home", str(worked.home), "backup", str(out)])
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"backed up to {out}: ")
    home = tmp_path / "restored"
    back = runner.invoke(cli, ["--home", str(home), "restore", str(out)])
    assert back.exit_code == 0, back.output
    assert back.output.startswith(f"restored {home.resolve() / DATABASE}: ")
    assert re.search(r"; index rebuilt: [1-9]\d* vectors$", back.output.rstrip())
    checked = runner.invoke(cli, ["--home", str(home), "index", "check"])
    assert checked.exit_code == 0 and "ok: index matches the database" in checked.output
    again = runner.invoke(cli, ["--home", str(home), "restore", str(out)])
    assert again.exit_code == 1 and "exists; restore into a data folder" in again.output
