"""A desk's database copied whole to the other kind (SQLite to PostgreSQL as it grows, and
back to a file to keep): every report record and history as before, new rows never taking a
copied or retired id, the target's index its own; an occupied target refused untouched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import BACKENDS, drop_pg_database, make_pg_database
from fakes import HashEmbedder
from reports import review_claims

from verifier import pipeline
from verifier.cli import cli
from verifier.config import Settings
from verifier.database_copy import copy_database
from verifier.db.models import Passage, VerdictChange
from verifier.errors import InputError, SchemaError
from verifier.export import ReportFilter, report_records
from verifier.review import history
from verifier.workbench import Workbench

#: The other kind of database, where the test server runs.
OTHER = [b for b in BACKENDS if b != "sqlite"]


@pytest.fixture
def other_url(tmp_path: Path) -> Iterator[str]:
    """An empty PostgreSQL database."""
    url = make_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


def opened(settings: Settings) -> Workbench:
    return Workbench.open(settings, upgrade=True, embedder=HashEmbedder())


def state(settings: Settings) -> tuple[list[dict[str, object]], list[object]]:
    """Every report record, and the second claim's history, as a desk reads them."""
    with opened(settings) as bench, bench.db.session() as session:
        records = list(report_records(session, ReportFilter(reviewed_only=False)))
        changes = [(c.from_label, c.to_label, c.note) for c in history(session, 2)]
    return records, changes


@pytest.mark.parametrize("backend", OTHER)
def test_a_desk_moves_to_postgresql_and_back_whole(
    backend: str, tmp_path: Path, sources: Path, other_url: str
) -> None:
    desk = Settings(home=tmp_path / "desk", stance_model="rules")
    with opened(desk) as bench:
        review_claims(bench, sources, hostile=True)
        pipeline.label_outlet(bench, "test wire", "wire", "Checks its copy", "dana")
        # A cited source removed: its passage id is retired, never to be given again.
        pipeline.remove_sources(bench, [str(sources / "hostile.txt")])
        with bench.db.session() as session:
            retired = session.scalar(sa.select(sa.func.max(Passage.id))) or 0
    before = state(desk)

    done = copy_database(desk.database_url, other_url)
    assert done.rows["claims"] > 0 and done.rows["verdict_changes"] == 3
    assert done.summary().startswith("copied to postgresql")
    grown = Settings(home=tmp_path / "grown", db_url=other_url, stance_model="rules")
    assert state(grown) == before  # citations, labels, history: all as they were
    with opened(grown) as bench:
        # New rows take new ids: a verdict (its history row), and a source's passages above
        # every id copied or retired.
        highest = retired
        with bench.db.session() as session:
            changes = session.scalar(sa.select(sa.func.max(VerdictChange.id))) or 0
        pipeline.review_claim(bench, 1, "disputed", "lee", "after the move")
        pipeline.ingest_uploads(bench, [("new.txt", b"A statement added after the move.\n")])
        with bench.db.session() as session:
            assert session.scalar(sa.select(sa.func.max(VerdictChange.id))) == changes + 1
            newest = session.scalar(sa.select(sa.func.max(Passage.id))) or 0
        assert newest > highest
        assert pipeline.find_passages(bench, "statement added after the move", 1)

    # And back, to a SQLite file to keep.
    kept = Settings(home=tmp_path / "kept", stance_model="rules")
    copy_database(other_url, kept.database_url)
    records, changes_kept = state(kept)
    assert len(records) == len(before[0]) and changes_kept == before[1]


def test_an_occupied_target_or_an_old_source_is_refused_untouched(
    tmp_path: Path, sources: Path
) -> None:
    desk = Settings(home=tmp_path / "desk", stance_model="rules")
    other = Settings(home=tmp_path / "other", stance_model="rules")
    for settings in (desk, other):
        with opened(settings) as bench:
            review_claims(bench, sources)
    before = state(other)
    with pytest.raises(InputError, match="already holds verifier data .*copy into an empty"):
        copy_database(desk.database_url, other.database_url)
    assert state(other) == before
    with pytest.raises(InputError, match="the database to copy to is this one"):
        copy_database(desk.database_url, desk.database_url)
    with pytest.raises(SchemaError, match="no database at .*empty.db yet"):
        copy_database(f"sqlite:///{tmp_path / 'empty.db'}", other.database_url)


def test_the_command_copies_and_says_what_next(tmp_path: Path, sources: Path) -> None:
    desk = Settings(home=tmp_path / "desk", stance_model="rules")
    with opened(desk) as bench:
        review_claims(bench, sources)
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    done = CliRunner().invoke(cli, ["--home", str(desk.home), "db", "copy", "--to", target])
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"copied to {target}: ")
    assert f"verifier --db {target} index rebuild" in done.output
    again = CliRunner().invoke(cli, ["--home", str(desk.home), "db", "copy", "--to", target])
    assert again.exit_code == 1 and "already holds verifier data" in again.output
