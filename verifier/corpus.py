"""The corpus: source passages in the database and in the indexes, kept consistent.

Two indexes are derived from the passages table: the FAISS index of their vectors and the
BM25 word index (tantivy, in the index folder's ``words/``). This module is the one place
that applies the database <-> index rule, to both alike:

1. The database is the source of truth; the indexes are derived from it.
2. One writer at a time, across processes (a file lock in the index folder) and threads.
3. A writer commits to the database first, then changes and saves the vector index, then
   commits the word index. So the only state a crash can leave is passages an index lacks
   (or ids of deleted passages still in it): :meth:`Corpus.check` finds that drift in each
   and :meth:`Corpus.repair` fixes it (vectors from the embedding cache); the workbench
   repairs on every start.
4. Readers search an immutable snapshot. A writer changes its own copy of the vectors, read
   fresh from disk under the lock, and publishes it once saved; tantivy's searchers are
   snapshots of a commit. So a long-lived process (the app) can search from many threads
   while one of them, or another process, writes. :meth:`Corpus.index` and
   :meth:`Corpus.words` load again what another process has saved since.
5. The indexes belong to one database: the vectors' manifest keeps its identity, and another
   database is refused (it would strip the index to its own passages, or read ids that name
   other passages) until ``rebuild`` hands the folder over.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np

from index import IndexStoreError, LexicalIndex, LexicalWriter, PassageIndex
from verifier.cache import DbVectorCache
from verifier.db.session import Database, database_id
from verifier.documents import (
    Deleted,
    IngestReport,
    delete_documents,
    passage_count,
    passage_ids,
    passage_spans,
    passage_texts,
    store_documents,
    texts_to_store,
)
from verifier.embed import Embedder
from verifier.errors import VerifierError
from verifier.locks import file_lock
from verifier.sources import SourceDoc

log = logging.getLogger(__name__)

LOCK_FILE = ".lock"
WORDS_DIR = "words"
_DOCS_PER_TRANSACTION = 256
_PASSAGES_PER_REPAIR_CHUNK = 2048


@dataclass
class IndexDrift:
    """Differences between the passages table and the indexes."""

    missing: set[int] = field(default_factory=set)  # in the database, not in the vectors
    extra: set[int] = field(default_factory=set)  # in the vectors, not in the database
    words_missing: set[int] = field(default_factory=set)  # not in the word index
    words_extra: set[int] = field(default_factory=set)  # in the word index only

    @classmethod
    def between(cls, in_db: set[int], vectors: set[int], words: set[int]) -> IndexDrift:
        return cls(in_db - vectors, vectors - in_db, in_db - words, words - in_db)

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.words_missing or self.words_extra)

    def describe(self) -> str:
        if not self:
            return "index matches the database"
        return (
            f"{len(self.missing)} passage(s) missing from the index, "
            f"{len(self.extra)} stale id(s) in the index; word index: "
            f"{len(self.words_missing)} missing, {len(self.words_extra)} stale"
        )


@dataclass
class _Writers:
    """A writer's private copy of the vectors and its writer of the word index."""

    vectors: PassageIndex
    words: LexicalWriter

    def remove(self, ids: list[int] | set[int]) -> int:
        self.words.remove(ids)
        return self.vectors.remove(ids)


class Corpus:
    """Source documents, their passages and the passage index, for one data folder.

    Args:
        db: the database (passages are read and written through its sessions).
        embedder: makes passage vectors (through the database's embedding cache).
        folder: the index folder.
        passage_chars: soft upper bound on the length of one passage.
    """

    def __init__(
        self, db: Database, embedder: Embedder, folder: Path, passage_chars: int = 600
    ) -> None:
        self._db = db
        self.embedder = embedder
        self.folder = folder
        self.passage_chars = passage_chars
        self._write_lock = threading.Lock()  # writers in this process, one at a time
        self._publish_lock = threading.Lock()  # swapping the snapshot readers see
        self._snapshot: PassageIndex | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._words: LexicalIndex | None = None
        self._words_stamp: tuple[int, int, int] | None = None
        self._database: str | None = None

    @property
    def words_folder(self) -> Path:
        return self.folder / WORDS_DIR

    # -- reading -------------------------------------------------------------------------

    def index(self) -> PassageIndex:
        """The current index, for searching only (never change it: writers use their own copy).

        Loaded on first use, and re-read when another process has saved a newer one.

        Raises:
            VerifierError: the index files are unreadable or were made with another model.
        """
        if self._snapshot is None or self._disk_stamp() != self._stamp:
            with self._publish_lock:
                stamp = self._disk_stamp()
                if self._snapshot is None or stamp != self._stamp:
                    self._snapshot, self._stamp = self._read(), stamp
        return self._snapshot

    def words(self) -> LexicalIndex:
        """The word index, for searching only, at its latest commit.

        Raises:
            VerifierError: the word index cannot be read.
        """
        stamp = self._words_disk_stamp()
        if self._words is None or stamp != self._words_stamp:
            with self._publish_lock:
                stamp = self._words_disk_stamp()
                if self._words is None or stamp != self._words_stamp:
                    if self._words is None or not self.words_folder.is_dir():
                        self._words = self._open_words()
                    else:
                        self._words.reload()
                    self._words_stamp = stamp
        return self._words

    def is_empty(self) -> bool:
        """True when no passage is indexed yet."""
        return len(self.index()) == 0

    def check(self) -> IndexDrift:
        """How the index differs from the passages in the database (changes nothing)."""
        with self._db.session() as session:
            in_db = passage_ids(session)
        return IndexDrift.between(in_db, self.index().ids(), self.words().ids())

    def verify(self) -> list[str]:
        """Problems with the indexes' content, each naming a file (empty when both are whole):
        the checksums of the vector file and its manifest, and of every word-index segment.

        Holds the write lock, so no writer is half-way through a save; changes nothing.
        """
        with self._write_lock, file_lock(self.folder / LOCK_FILE):
            return PassageIndex.verify(self.folder) + LexicalIndex.verify(self.words_folder)

    def stats(self) -> dict[str, object]:
        """Counts for ``verifier index stats`` and the app's sidebar."""
        try:
            manifest = PassageIndex.read_manifest(self.folder) or {}
        except IndexStoreError as error:
            raise VerifierError(str(error)) from error
        with self._db.session() as session:
            passages = passage_count(session)
        return {
            "database": self._db.url,
            "index_dir": str(self.folder),
            "model": self.embedder.name,
            "dim": self.embedder.dim,
            "vectors": len(self.index()),
            "words": len(self.words()),
            "passages": passages,
            "saved_at": manifest.get("saved_at"),
        }

    # -- writing -------------------------------------------------------------------------

    def add(
        self, docs: Iterable[SourceDoc], progress: Callable[[int], None] | None = None
    ) -> IngestReport:
        """Store ``docs`` (see :mod:`verifier.documents` on idempotency) and index their passages.

        Documents are committed in batches, each embedded before its short write transaction
        (so other writers wait a moment at most); after each commit the index follows, and it
        is saved once at the end (and also when a later batch fails, so that what was
        committed stays searchable).

        Args:
            docs: documents read by :mod:`verifier.sources` (any iterable: they are taken
                a batch at a time).
            progress: called with the number of passages just embedded.
        """
        report = IngestReport()
        stream = iter(docs)
        with self._writing() as writers:
            while chunk := list(islice(stream, _DOCS_PER_TRANSACTION)):
                # Embed first, in a read-only transaction, so that the database's write
                # lock is held only while rows are written: a reviewer's save or another
                # command never waits for the model.
                with self._db.session() as session:
                    texts = list(
                        dict.fromkeys(
                            span.text
                            for doc in texts_to_store(session, chunk)
                            for span in passage_spans(doc.text, self.passage_chars)
                        )
                    )
                    cache = DbVectorCache(session, hold=True)
                    embedded = self.embedder.embed(texts, cache=cache, progress=progress)
                vector_of = dict(zip(texts, embedded))
                with self._db.writing() as session:
                    batch = store_documents(session, chunk, self.passage_chars, report)
                    cache.write(session)
                    if late := [p.text for p in batch.fresh if p.text not in vector_of]:
                        # Changed by another writer since the read: embedded here instead.
                        late_vectors = self.embedder.embed(late, cache=DbVectorCache(session))
                        vector_of.update(zip(late, late_vectors))
                    ids = [p.id for p in batch.fresh]
                    titles = [p.document.title for p in batch.fresh]
                    fresh = [p.text for p in batch.fresh]
                # Committed: the indexes follow. A crash before they are saved leaves
                # passages they lack, which repair() adds on the next start.
                report.removed_passages += writers.remove(batch.stale)
                if fresh:
                    vectors = np.stack([vector_of[text] for text in fresh])
                    writers.vectors.add(np.array(ids, dtype=np.int64), vectors)
                writers.words.add(ids, titles, fresh)
        return report

    def remove(self, uris: Iterable[str]) -> Deleted:
        """Delete documents by uri, from the database and then the index (uris not held are
        ignored). Cited passages are kept as removed citations (:mod:`verifier.citations`).

        Returns:
            the documents and passages removed, and the claims whose evidence lost some.
        """
        with self._writing() as writers:
            with self._db.writing() as session:
                deleted = delete_documents(session, uris)
            writers.remove(deleted.passages)
        return deleted

    def repair(self) -> IndexDrift:
        """Add missing passages to the index and drop stale ids. Returns what was fixed.

        An index saved before indexes recorded their database is saved again with this
        one's identity (once it is known to hold this database's passages).
        """
        if not self.check() and self.index().database_recorded:
            return IndexDrift()
        with self._writing() as writers:
            writers.vectors.changed = (
                writers.vectors.changed or not writers.vectors.database_recorded
            )
            with self._db.session() as session:
                in_db = passage_ids(session)
            drift = IndexDrift.between(in_db, writers.vectors.ids(), self.words().ids())
            writers.vectors.remove(drift.extra)
            writers.words.remove(drift.words_extra)
            self._fill(writers, drift.missing, drift.words_missing)
        return drift

    def rebuild(self) -> int:
        """Make the indexes again from every passage in the database, ignoring the files in
        the index folder (so a corrupt or foreign index is replaced). Returns their size."""
        with self._writing(start_empty=True) as writers:
            with self._db.session() as session:
                ids = set(passage_ids(session))
            self._fill(writers, ids, ids)
            return len(writers.vectors)

    # -- internals -----------------------------------------------------------------------

    def _fill(self, writers: _Writers, vector_ids: set[int], word_ids: set[int]) -> None:
        """Add passages to the vectors (embedded, from the cache where it has them) and to
        the word index."""
        ids = sorted(vector_ids | word_ids)
        for start in range(0, len(ids), _PASSAGES_PER_REPAIR_CHUNK):
            with self._db.session() as session:
                rows = passage_texts(session, ids[start : start + _PASSAGES_PER_REPAIR_CHUNK])
                embed = [row for row in rows if row[0] in vector_ids]
                vectors = self.embedder.embed(
                    [text for _, _, text in embed], cache=DbVectorCache(session)
                )
            writers.vectors.add(np.array([pid for pid, _, _ in embed], dtype=np.int64), vectors)
            words = [row for row in rows if row[0] in word_ids]
            writers.words.add(
                [pid for pid, _, _ in words],
                [title for _, title, _ in words],
                [text for _, _, text in words],
            )

    @contextmanager
    def _writing(self, start_empty: bool = False) -> Iterator[_Writers]:
        """The exclusive right to change the indexes: a private copy of the vectors and the
        word index's writer.

        The copy is read from disk under the lock (so another process's changes are kept),
        or starts empty for a rebuild, whose word index is made in a new folder. On the way
        out the vectors are saved and published if they changed (a rebuild's always are),
        then the words are committed (a rebuild's new folder swapped in). If the block fails
        with an exception, what it changed so far is saved too (it mirrors what was
        committed), except for a rebuild, which leaves the old indexes in place.
        """
        with self._write_lock, file_lock(self.folder / LOCK_FILE):
            fresh = self.folder / (WORDS_DIR + ".new")
            words = self._open_words(fresh, create=True) if start_empty else self.words()
            writers = _Writers(self._new() if start_empty else self._read(), words.writer())
            try:
                try:
                    yield writers
                except Exception:
                    if not start_empty:
                        self._save_both(writers)
                    raise
                writers.vectors.changed = writers.vectors.changed or start_empty
                self._save_both(writers)
            except BaseException:
                writers.words.close()
                if start_empty:
                    shutil.rmtree(fresh, ignore_errors=True)
                raise
            writers.words.close()
            if start_empty:
                self._swap_words(fresh)

    def _save_both(self, writers: _Writers) -> None:
        """Save the vectors (if changed), then commit the words: the write order."""
        if writers.vectors.changed:
            self._save(writers.vectors)
        writers.words.commit()

    def _new(self) -> PassageIndex:
        index = PassageIndex(self.embedder.name, self.embedder.dim)
        index.database = self._database_id()
        return index

    def _read(self) -> PassageIndex:
        """The saved vectors, refused if they were built from another database (their ids
        would name other passages, and a repair would strip them)."""
        try:
            index = PassageIndex.load(self.folder, self.embedder.name, self.embedder.dim)
        except IndexStoreError as error:
            raise VerifierError(str(error)) from error
        database = self._database_id()
        recorded = index.database is not None
        if not recorded and len(index) > 0:
            # Saved before indexes recorded their database: adopted only if it holds some of
            # this database's passages (an empty or another database would strip it).
            with self._db.session() as session:
                foreign = not index.ids() & passage_ids(session)
        else:
            foreign = recorded and index.database != database
        if foreign:
            raise VerifierError(
                f"the index in {self.folder} was built from another database than "
                f"{self._db.url}; give the database it belongs to (--db / VERIFIER_DB_URL), "
                "another data folder (--home) for this one, or run `verifier index rebuild` "
                "to make this folder's index from this database"
            )
        index.database_recorded = recorded
        index.database = database
        return index

    def _database_id(self) -> str:
        if self._database is None:
            with self._db.session() as session:
                self._database = database_id(session)
        return self._database

    def _save(self, index: PassageIndex) -> None:
        index.save(self.folder)
        with self._publish_lock:
            self._snapshot, self._stamp = index, self._disk_stamp()

    def _disk_stamp(self) -> tuple[int, int, int] | None:
        return PassageIndex.saved_stamp(self.folder)

    def _open_words(self, folder: Path | None = None, create: bool = False) -> LexicalIndex:
        folder = folder or self.words_folder
        try:
            return LexicalIndex.create(folder) if create else LexicalIndex.open(folder)
        except IndexStoreError as error:
            raise VerifierError(str(error)) from error

    def _swap_words(self, fresh: Path) -> None:
        """Put the rebuilt word index in ``fresh`` in place of the current one."""
        old = self.folder / (WORDS_DIR + ".old")
        _remove(old)
        with self._publish_lock:
            if self.words_folder.exists():
                os.replace(self.words_folder, old)
            os.replace(fresh, self.words_folder)
            self._words, self._words_stamp = None, None
        _remove(old)

    def _words_disk_stamp(self) -> tuple[int, int, int] | None:
        return LexicalIndex.saved_stamp(self.words_folder)


def _remove(path: Path) -> None:
    """Delete ``path``, a folder or a file, if it exists."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
