from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from conftest import write

from index import PassageIndex
from verifier.db.models import Document, Embedding, Passage
from verifier.errors import InputError
from verifier.ingest import ingest_paths, remove_documents
from verifier.workbench import Workbench


def counts(bench: Workbench) -> tuple[int, int]:
    with bench.session() as s:
        docs = s.scalar(sa.select(sa.func.count()).select_from(Document))
        passages = s.scalar(sa.select(sa.func.count()).select_from(Passage))
    return docs, passages


def test_ingest_folder_stores_documents_passages_and_vectors(
    bench: Workbench, sources: Path
) -> None:
    report = ingest_paths(bench, [sources])
    assert (report.added, report.updated, report.unchanged) == (4, 0, 0)
    docs, passages = counts(bench)
    assert docs == 4 and passages == report.passages
    assert bench.index.ids() == bench.passage_ids()
    assert not bench.check_index()
    with bench.session() as s:
        doc = s.scalar(sa.select(Document).where(Document.uri == str(sources / "base.txt")))
        assert (doc.outlet, doc.url, str(doc.published)) == (
            "Test Wire",
            "https://wire.example.com/base",
            "2015-09-14",
        )
        for p in doc.passages:
            assert doc.text[p.start : p.end] == p.text
        assert s.scalar(sa.select(sa.func.count()).select_from(Embedding)) >= passages
    # what was saved on disk is what is in memory
    assert PassageIndex.load(bench.index_dir, bench.embedder.name, 384).ids() == bench.passage_ids()


def test_reingest_is_idempotent_and_updates_changed_files(bench: Workbench, sources: Path) -> None:
    ingest_paths(bench, [sources])
    before = bench.passage_ids()
    again = ingest_paths(bench, [sources])
    assert (again.added, again.updated, again.unchanged, again.passages) == (0, 0, 4, 0)
    assert bench.passage_ids() == before

    write(
        sources, "football.txt", "Zenit beat Spartak 3-0 in the Saint Petersburg derby on Sunday.\n"
    )
    changed = ingest_paths(bench, [sources])
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 3)
    assert changed.removed_passages == 1
    after = bench.passage_ids()
    assert len(after) == len(before) and after != before
    assert bench.index.ids() == after  # old vector gone, new one in, no rebuild


def test_metadata_only_change_updates_document(bench: Workbench, sources: Path) -> None:
    ingest_paths(bench, [sources])
    report = ingest_paths(bench, [sources / "weather.txt"], outlet="Weather Desk")
    assert report.updated == 1 and report.passages == 0
    with bench.session() as s:
        assert (
            s.scalar(sa.select(Document.outlet).where(Document.uri.like("%weather.txt")))
            == "Weather Desk"
        )


def test_same_text_under_another_name_is_a_duplicate(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    ingest_paths(bench, [sources])
    copy = write(tmp_path, "copy/football-copy.txt", (sources / "football.txt").read_text())
    report = ingest_paths(bench, [copy])
    assert report.added == 0
    assert report.duplicates == [(str(copy), str(sources / "football.txt"))]


def test_one_bad_file_means_nothing_is_written(bench: Workbench, sources: Path) -> None:
    write(sources, "zz-broken.csv", "title,body\nx,y\n")
    with pytest.raises(InputError, match="zz-broken.csv: no 'text' column"):
        ingest_paths(bench, [sources])
    assert counts(bench) == (0, 0)
    assert len(bench.index) == 0


def test_remove_documents_drops_passages_and_vectors(bench: Workbench, sources: Path) -> None:
    ingest_paths(bench, [sources])
    assert remove_documents(bench, [str(sources / "football.txt"), "not-there"]) == 1
    assert counts(bench)[0] == 3
    assert bench.index.ids() == bench.passage_ids()


def test_crash_while_embedding_leaves_database_and_index_unchanged(
    bench: Workbench, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths(bench, [sources / "base.txt"])
    state = (counts(bench), bench.index.ids())

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt("killed while embedding")

    monkeypatch.setattr(bench.embedder, "embed", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(bench, [sources])
    assert (counts(bench), bench.index.ids()) == state
    assert not bench.check_index()


def test_crash_before_index_save_is_repaired_on_next_open(
    bench: Workbench, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(self, folder):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt("killed before the index was saved")

    with monkeypatch.context() as patch:
        patch.setattr(PassageIndex, "save", crash)
        with pytest.raises(KeyboardInterrupt):
            ingest_paths(bench, [sources])
    # The database committed; the index on disk did not get the new vectors.
    assert counts(bench)[0] == 4
    stale = Workbench.open(bench.settings, repair=False, embedder=bench.embedder)
    drift = stale.check_index()
    assert drift.missing == bench.passage_ids() and not drift.extra
    stale.close()
    reopened = Workbench.open(bench.settings, embedder=bench.embedder)
    assert not reopened.check_index()
    assert reopened.index.ids() == bench.passage_ids()
    reopened.close()


def test_rebuild_recreates_a_deleted_index(bench: Workbench, sources: Path) -> None:
    ingest_paths(bench, [sources])
    for file in bench.index_dir.iterdir():
        file.unlink()
    fresh = Workbench.open(bench.settings, repair=False, embedder=bench.embedder)
    assert fresh.check_index().missing == bench.passage_ids()
    assert fresh.rebuild_index() == len(bench.passage_ids())
    assert not fresh.check_index()
    fresh.close()


def test_cache_writes_tolerate_rows_another_process_wrote(bench: Workbench) -> None:
    from verifier.cache import DbVectorCache

    vector = np.ones(384, dtype=np.float32) / np.sqrt(384)
    with bench.session() as s:
        DbVectorCache(s).put_many("m", {"h1": vector})
    with bench.session() as s:  # the same key again, as a concurrent scorer would write it
        DbVectorCache(s).put_many("m", {"h1": vector, "h2": vector})
        found = DbVectorCache(s).get_many("m", ["h1", "h2", "h3"])
    assert set(found) == {"h1", "h2"}
    np.testing.assert_allclose(found["h2"], vector)
