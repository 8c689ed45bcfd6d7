"""The corpus keeps the database and the index consistent: ingest, re-ingest, remove, crash
recovery, rebuild, and readers that never see a half-written index."""

import json
import os
import shutil
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from conftest import write
from fakes import HashEmbedder

from index import LexicalWriter, PassageIndex
from index.store import _manifest_checksum as manifest_checksum
from verifier import pipeline
from verifier.db.models import Document, Embedding, Passage
from verifier.documents import passage_ids
from verifier.errors import InputError, VerifierError
from verifier.retrieve import make_retriever
from verifier.workbench import Workbench


def counts(bench: Workbench) -> tuple[int, int]:
    with bench.db.session() as s:
        docs = s.scalar(sa.select(sa.func.count()).select_from(Document))
        passages = s.scalar(sa.select(sa.func.count()).select_from(Passage))
    return docs, passages


def db_ids(bench: Workbench) -> set[int]:
    with bench.db.session() as s:
        return passage_ids(s)


def test_ingest_folder_stores_documents_passages_and_vectors(
    bench: Workbench, sources: Path
) -> None:
    report = pipeline.ingest(bench, [sources])
    assert (report.added, report.updated, report.unchanged) == (4, 0, 0)
    docs, passages = counts(bench)
    assert docs == 4 and passages == report.passages
    assert bench.corpus.index().ids() == db_ids(bench)
    assert bench.corpus.words().ids() == db_ids(bench)
    assert not bench.corpus.check()
    with bench.db.session() as s:
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
    on_disk = PassageIndex.load(bench.settings.index_dir, bench.embedder.name, 384)
    assert on_disk.ids() == db_ids(bench)


def test_reingest_is_idempotent_and_updates_changed_files(bench: Workbench, sources: Path) -> None:
    pipeline.ingest(bench, [sources])
    before = db_ids(bench)
    again = pipeline.ingest(bench, [sources])
    assert (again.added, again.updated, again.unchanged, again.passages) == (0, 0, 4, 0)
    assert db_ids(bench) == before

    write(
        sources, "football.txt", "Zenit beat Spartak 3-0 in the Saint Petersburg derby on Sunday.\n"
    )
    changed = pipeline.ingest(bench, [sources])
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 3)
    assert changed.removed_passages == 1
    after = db_ids(bench)
    assert len(after) == len(before) and after != before
    assert bench.corpus.index().ids() == after  # old vector gone, new one in, no rebuild


def test_metadata_only_change_updates_document(bench: Workbench, sources: Path) -> None:
    pipeline.ingest(bench, [sources])
    report = pipeline.ingest(bench, [sources / "weather.txt"], outlet="Weather Desk")
    assert report.updated == 1 and report.passages == 0
    with bench.db.session() as s:
        assert (
            s.scalar(sa.select(Document.outlet).where(Document.uri.like("%weather.txt")))
            == "Weather Desk"
        )


def test_same_text_under_another_name_is_a_duplicate(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    pipeline.ingest(bench, [sources])
    copy = write(tmp_path, "copy/football-copy.txt", (sources / "football.txt").read_text())
    report = pipeline.ingest(bench, [copy])
    assert report.added == 0
    assert report.duplicates == [(str(copy), str(sources / "football.txt"))]


def test_one_bad_file_means_nothing_is_written(bench: Workbench, sources: Path) -> None:
    write(sources, "zz-broken.csv", "title,body\nx,y\n")
    with pytest.raises(InputError, match="zz-broken.csv: no 'text' column"):
        pipeline.ingest(bench, [sources])
    assert counts(bench) == (0, 0)
    assert bench.corpus.is_empty()


def test_remove_drops_passages_and_vectors(bench: Workbench, sources: Path) -> None:
    pipeline.ingest(bench, [sources])
    assert bench.corpus.remove([str(sources / "football.txt"), "not-there"]).documents == 1
    assert counts(bench)[0] == 3
    assert bench.corpus.index().ids() == bench.corpus.words().ids() == db_ids(bench)


def test_crash_while_embedding_leaves_database_and_index_unchanged(
    bench: Workbench, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.ingest(bench, [sources / "base.txt"])
    state = (counts(bench), bench.corpus.index().ids())

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt("killed while embedding")

    monkeypatch.setattr(bench.embedder, "embed", crash)
    with pytest.raises(KeyboardInterrupt):
        pipeline.ingest(bench, [sources])
    assert (counts(bench), bench.corpus.index().ids()) == state
    assert not bench.corpus.check()


def test_crash_before_index_save_is_repaired_on_next_open(
    bench: Workbench, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(self, folder):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt("killed before the index was saved")

    with monkeypatch.context() as patch:
        patch.setattr(PassageIndex, "save", crash)
        with pytest.raises(KeyboardInterrupt):
            pipeline.ingest(bench, [sources])
    # The database committed; the index on disk did not get the new vectors.
    assert counts(bench)[0] == 4
    with Workbench.open(bench.settings, repair=False, embedder=bench.embedder) as stale:
        drift = stale.corpus.check()
        assert drift.missing == db_ids(bench) and not drift.extra
    with Workbench.open(bench.settings, embedder=bench.embedder) as reopened:
        assert not reopened.corpus.check()
        assert reopened.corpus.index().ids() == db_ids(bench)


def test_crash_between_the_vector_save_and_the_word_commit_is_repaired(
    bench: Workbench, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.ingest(bench, [sources / "base.txt"])

    def crash(self):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt("killed before the word index was committed")

    with monkeypatch.context() as patch:
        patch.setattr(LexicalWriter, "commit", crash)
        with pytest.raises(KeyboardInterrupt):
            pipeline.ingest(bench, [sources])
        with pytest.raises(KeyboardInterrupt):
            bench.corpus.remove([str(sources / "base.txt")])
    with Workbench.open(bench.settings, repair=False, embedder=bench.embedder) as stale:
        drift = stale.corpus.check()
        assert not drift.missing and not drift.extra  # the vectors were saved
        assert drift.words_missing and drift.words_extra
        assert drift.words_missing | stale.corpus.words().ids() - drift.words_extra == db_ids(bench)
    with Workbench.open(bench.settings, embedder=bench.embedder) as reopened:
        assert not reopened.corpus.check()
        assert reopened.corpus.words().ids() == db_ids(bench)


def test_hybrid_ranks_by_both_and_reports_cosine_similarity(
    bench: Workbench, sources: Path
) -> None:
    pipeline.ingest(bench, [sources])
    claim = "Russia moved personnel and equipment to the airfield"
    vector = bench.embedder.embed([claim])
    dense = make_retriever("dense", bench.corpus)
    words = make_retriever("bm25", bench.corpus)
    hybrid = make_retriever("hybrid", bench.corpus, weight=0.5)
    assert bench.retriever.name == hybrid.name and hybrid.name.startswith("hybrid:")
    with bench.db.session() as s:
        [by_dense] = dense.retrieve(s, [claim], vector, 10)
        [by_words] = words.retrieve(s, [claim], vector, 10)
        [by_both] = hybrid.retrieve(s, [claim], vector, 10)
    cosine = {e.passage_id: e.score for e in by_dense}
    assert by_words and by_both[0].passage_id in {by_dense[0].passage_id, by_words[0].passage_id}
    for found in (by_words, by_both):  # whatever ranked it, the score is the cosine
        for item in found:
            assert item.score == pytest.approx(
                float(bench.corpus.index().vector(item.passage_id) @ vector[0]), abs=1e-5
            )
            if item.passage_id in cosine:
                assert item.score == pytest.approx(cosine[item.passage_id], abs=1e-5)
    with bench.db.session() as s:
        assert words.retrieve(s, ["the of and"], vector, 10) == [[]]  # no words: nothing


def test_a_long_lived_reader_sees_words_another_process_committed(
    bench: Workbench, sources: Path
) -> None:
    pipeline.ingest(bench, [sources / "weather.txt"])
    before = bench.corpus.words().ids()
    # A second workbench on the same folder stands for another process (the CLI beside the app).
    with Workbench.open(bench.settings, embedder=bench.embedder) as other:
        pipeline.ingest(other, [sources])
    assert bench.corpus.words().ids() == db_ids(bench) and before < db_ids(bench)
    [hits] = bench.corpus.words().search(["Spartak Zenit derby"], 5)
    assert hits  # the football source, ingested by the other workbench, is searchable here


def test_a_keyword_hit_the_vectors_lack_is_left_out_until_repaired(
    bench: Workbench, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.ingest(bench, [sources])
    claim = "Spartak Zenit derby"
    words = make_retriever("bm25", bench.corpus)
    with bench.db.session() as s:
        [found] = words.retrieve(s, [claim], bench.embedder.embed([claim]), 3)
    assert found
    gone = found[0].passage_id
    stale = bench.corpus.index()
    monkeypatch.setattr(bench.corpus, "index", lambda: _without(stale, gone))
    words = make_retriever("bm25", bench.corpus)  # reads the vectors through the patched call
    with bench.db.session() as s:
        [again] = words.retrieve(s, [claim], bench.embedder.embed([claim]), 3)
    assert gone not in [e.passage_id for e in again]


def _without(index: PassageIndex, passage_id: int) -> PassageIndex:
    copy = PassageIndex(index.model, index.dim)
    ids = sorted(index.ids() - {passage_id})
    copy.add(ids, np.stack([index.vector(i) for i in ids]))
    return copy


def test_a_failing_batch_keeps_what_earlier_batches_committed_searchable(
    bench: Workbench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "many"
    for i in range(300):  # two transactions of documents
        write(folder, f"doc{i:03}.txt", f"Report number {i} on convoy {i * 7} near Latakia.\n")
    real_embed = bench.embedder.embed
    calls = []

    def second_batch_fails(texts, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_embed(texts, **kwargs)

    monkeypatch.setattr(bench.embedder, "embed", second_batch_fails)
    with pytest.raises(RuntimeError, match="disk full"):
        pipeline.ingest(bench, [folder])
    assert counts(bench)[0] == 256
    assert not bench.corpus.check()  # the first batch is in the index, on disk too
    assert PassageIndex.load(bench.settings.index_dir, bench.embedder.name, 384).ids() == db_ids(
        bench
    )


def test_rebuild_replaces_a_missing_or_corrupt_index(bench: Workbench, sources: Path) -> None:
    pipeline.ingest(bench, [sources])
    index_dir = bench.settings.index_dir
    shutil.rmtree(index_dir)
    with Workbench.open(bench.settings, repair=False, embedder=bench.embedder) as fresh:
        drift = fresh.corpus.check()
        assert drift.missing == drift.words_missing == db_ids(bench)
        assert fresh.corpus.rebuild() == len(db_ids(bench))
        assert not fresh.corpus.check()


def _vector_file(index_dir: Path) -> Path:
    manifest = PassageIndex.read_manifest(index_dir)
    assert manifest is not None
    return index_dir / manifest["file"]


def _flip(path: Path, where: float = 0.5) -> None:
    data = bytearray(path.read_bytes())
    data[int(len(data) * where)] ^= 0x10
    path.write_bytes(bytes(data))


def _largest(folder: Path, pattern: str) -> Path:
    return max(folder.glob(pattern), key=lambda path: path.stat().st_size)


#: Ways an index folder gets damaged: each is found by `index check` and mended by rebuild.
DAMAGE = {
    "vector file truncated": lambda d: _vector_file(d).write_bytes(
        _vector_file(d).read_bytes()[:1000]
    ),
    "vector file empty": lambda d: _vector_file(d).write_bytes(b""),
    "vector file missing": lambda d: _vector_file(d).unlink(),
    "vector file garbage": lambda d: _vector_file(d).write_bytes(os.urandom(5000)),
    "one bit of a vector flipped": lambda d: _flip(_vector_file(d), 0.6),
    "manifest missing": lambda d: (d / "manifest.json").unlink(),
    "manifest a JSON list": lambda d: (d / "manifest.json").write_text("[1, 2]"),
    "manifest binary": lambda d: (d / "manifest.json").write_bytes(os.urandom(100)),
    "manifest edited": lambda d: (d / "manifest.json").write_text(
        (d / "manifest.json").read_text().replace('"count": ', '"count": 1')
    ),
    "manifest names another file": lambda d: (d / "manifest.json").write_text(
        (d / "manifest.json").read_text().replace('"file": "', '"file": "../')
    ),
    "word index missing": lambda d: shutil.rmtree(d / "words"),
    "word meta.json garbage": lambda d: (d / "words" / "meta.json").write_text("garbage"),
    "word segment bit flipped": lambda d: _flip(_largest(d / "words", "*.store"), 0.3),
    "word segment truncated": lambda d: _largest(d / "words", "*.term").write_bytes(b"x" * 9),
    "word index is a file": lambda d: (
        shutil.rmtree(d / "words"),
        (d / "words").write_text("x"),
    ),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_check_finds_and_rebuild_mends_every_damaged_index(
    bench: Workbench, sources: Path, damage: str
) -> None:
    pipeline.ingest(bench, [sources])
    index_dir = bench.settings.index_dir
    assert bench.corpus.verify() == []
    DAMAGE[damage](index_dir)
    with Workbench.open(bench.settings, repair=False, embedder=bench.embedder) as broken:
        try:
            found = bool(broken.corpus.verify()) or bool(broken.corpus.check())
        except VerifierError as error:
            found = "verifier index rebuild" in str(error)
        assert found, f"{damage} went unnoticed"
    with Workbench.open(bench.settings, repair=False, embedder=bench.embedder) as fresh:
        assert fresh.corpus.rebuild() == len(db_ids(bench))
        assert fresh.corpus.verify() == []
        assert not fresh.corpus.check()
        assert sorted(path.name for path in index_dir.iterdir() if path.name != ".lock") == [
            "manifest.json",
            _vector_file(index_dir).name,
            "words",
        ]


def test_readers_keep_their_snapshot_while_a_writer_changes_the_index(
    bench: Workbench, sources: Path
) -> None:
    pipeline.ingest(bench, [sources / "weather.txt"])
    snapshot = bench.corpus.index()
    size = len(snapshot)
    pipeline.ingest(bench, [sources])
    assert len(snapshot) == size  # the object a reader holds was never mutated
    assert len(bench.corpus.index()) > size  # and the next reader gets the new one


def test_a_long_lived_reader_sees_what_another_process_ingested(
    bench: Workbench, sources: Path, embedder: HashEmbedder
) -> None:
    pipeline.ingest(bench, [sources / "weather.txt"])
    with Workbench.open(bench.settings, embedder=embedder) as reader:  # the app, say
        claim = ["Spartak Moscow won the derby against Zenit 2-1."]
        first = pipeline.score_claims(reader, claim, top_k=1)[0]
        assert first.evidence[0].uri.endswith("weather.txt")
        pipeline.ingest(bench, [sources / "football.txt"])  # the command line, meanwhile
        [result] = pipeline.score_claims(reader, claim, top_k=1)
        assert result.evidence[0].uri == str(sources / "football.txt")


def test_searching_threads_and_a_writer_share_one_workbench(
    bench: Workbench, tmp_path: Path
) -> None:
    """As in the app: sessions search while another session ingests, through one workbench."""
    folder = tmp_path / "many"
    for i in range(120):
        write(folder, f"doc{i:03}.txt", f"Convoy {i} with {i + 3} trucks reached Latakia.\n")
    pipeline.ingest(bench, [folder / "doc000.txt"])
    errors: list[BaseException] = []
    stop = threading.Event()

    def search() -> None:
        try:
            while not stop.is_set():
                [result] = pipeline.score_claims(bench, ["Convoy trucks reached Latakia."], 3)
                assert result.evidence
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    readers = [threading.Thread(target=search) for _ in range(3)]
    for thread in readers:
        thread.start()
    try:
        pipeline.ingest(bench, [folder])
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=60)
    assert not errors, errors
    assert len(bench.corpus.index()) == 120 and not bench.corpus.check()


def test_cache_writes_tolerate_rows_another_process_wrote(bench: Workbench) -> None:
    from verifier.cache import DbVectorCache

    vector = np.ones(384, dtype=np.float32) / np.sqrt(384)
    with bench.db.session() as s:
        DbVectorCache(s).put_many("m", {"h1": vector})
    with bench.db.session() as s:  # the same key again, as a concurrent scorer would write it
        DbVectorCache(s).put_many("m", {"h1": vector, "h2": vector})
        found = DbVectorCache(s).get_many("m", ["h1", "h2", "h3"])
    assert set(found) == {"h1", "h2"}
    np.testing.assert_allclose(found["h2"], vector)


def test_a_write_that_changes_nothing_leaves_the_saved_index_alone(
    bench: Workbench, sources: Path
) -> None:
    pipeline.ingest(bench, [sources])
    stamp = PassageIndex.saved_stamp(bench.settings.index_dir)
    snapshot = bench.corpus.index()
    assert pipeline.ingest(bench, [sources]).unchanged == 4
    assert bench.corpus.remove(["not-held"]).documents == 0
    assert PassageIndex.saved_stamp(bench.settings.index_dir) == stamp
    assert bench.corpus.index() is snapshot  # readers have nothing to reload
    assert bench.corpus.stats()["passages"] == len(snapshot)


def test_an_index_is_not_touched_from_another_database(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    """`--db sqlite://` (or any other database) with an existing data folder must not strip
    its index to match an empty database: the index knows the database it came from."""
    pipeline.ingest(bench, [sources])
    index_dir = bench.settings.index_dir
    before = {path.name: path.read_bytes() for path in index_dir.iterdir() if path.is_file()}
    other = replace(bench.settings, db_url=f"sqlite:///{tmp_path / 'other.db'}")
    with pytest.raises(VerifierError, match="built from another database"):
        Workbench.open(other, upgrade=True, embedder=bench.embedder)
    after = {path.name: path.read_bytes() for path in index_dir.iterdir() if path.is_file()}
    assert after == before
    with Workbench.open(other, upgrade=True, repair=False, embedder=bench.embedder) as moved:
        assert moved.corpus.rebuild() == 0  # this folder now serves the other database
    with pytest.raises(VerifierError, match="built from another database"):
        Workbench.open(bench.settings, embedder=bench.embedder)


def test_an_index_saved_before_it_named_its_database_is_adopted_only_by_its_own(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    pipeline.ingest(bench, [sources])
    manifest_path = bench.settings.index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["database"]
    manifest["checksum"] = manifest_checksum(manifest)
    manifest_path.write_text(json.dumps(manifest))
    other = replace(bench.settings, db_url=f"sqlite:///{tmp_path / 'other.db'}")
    with pytest.raises(VerifierError, match="built from another database"):
        Workbench.open(other, upgrade=True, embedder=bench.embedder)
    with Workbench.open(bench.settings, embedder=bench.embedder) as again:
        assert not again.corpus.check()
        assert json.loads(manifest_path.read_text())["database"]  # recorded from now on
        assert again.corpus.verify() == []


def test_a_lock_that_is_a_folder_is_one_clear_error(bench: Workbench, sources: Path) -> None:
    lock = bench.settings.index_dir / ".lock"
    lock.unlink(missing_ok=True)
    lock.mkdir(parents=True)
    with pytest.raises(VerifierError, match=r"\.lock is a folder, not a lock file: remove it"):
        pipeline.ingest(bench, [sources])
    with bench.db.session() as session:
        assert not passage_ids(session)  # refused before anything was written
