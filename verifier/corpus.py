"""The corpus: source passages in the database and their vectors in the index, kept consistent.

This module is the one place that applies the database <-> index rule:

1. The database is the source of truth; the FAISS index is derived from it.
2. One writer at a time, across processes (a file lock in the index folder) and threads.
3. A writer commits to the database first, then changes and saves the index. So the only
   state a crash can leave is passages the index lacks (or ids of deleted passages still in
   it): :meth:`Corpus.check` finds that drift and :meth:`Corpus.repair` fixes it from the
   embedding cache; the workbench repairs on every start.
4. Readers search an immutable snapshot. A writer changes its own copy, read fresh from disk
   under the lock, and publishes it once saved; so a long-lived process (the app) can search
   from many threads while one of them, or another process, writes. :meth:`Corpus.index`
   re-reads the file when another process has saved a newer one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np

from index import IndexStoreError, PassageIndex
from verifier.cache import DbVectorCache
from verifier.db.session import Database
from verifier.documents import (
    IngestReport,
    delete_documents,
    passage_count,
    passage_ids,
    passage_texts,
    store_documents,
)
from verifier.embed import Embedder
from verifier.errors import VerifierError
from verifier.locks import file_lock
from verifier.sources import SourceDoc

log = logging.getLogger(__name__)

LOCK_FILE = ".lock"
_DOCS_PER_TRANSACTION = 256
_PASSAGES_PER_REPAIR_CHUNK = 2048


@dataclass
class IndexDrift:
    """Differences between the passages table and the index."""

    missing: set[int] = field(default_factory=set)  # in the database, not in the index
    extra: set[int] = field(default_factory=set)  # in the index, not in the database

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra)

    def describe(self) -> str:
        if not self:
            return "index matches the database"
        return (
            f"{len(self.missing)} passage(s) missing from the index, "
            f"{len(self.extra)} stale id(s) in the index"
        )


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

    def is_empty(self) -> bool:
        """True when no passage is indexed yet."""
        return len(self.index()) == 0

    def check(self) -> IndexDrift:
        """How the index differs from the passages in the database (changes nothing)."""
        with self._db.session() as session:
            in_db = passage_ids(session)
        in_index = self.index().ids()
        return IndexDrift(missing=in_db - in_index, extra=in_index - in_db)

    def stats(self) -> dict[str, object]:
        """Counts for ``verifier index stats`` and the app's sidebar."""
        manifest = PassageIndex.read_manifest(self.folder) or {}
        with self._db.session() as session:
            passages = passage_count(session)
        return {
            "database": self._db.url,
            "index_dir": str(self.folder),
            "model": self.embedder.name,
            "dim": self.embedder.dim,
            "vectors": len(self.index()),
            "passages": passages,
            "saved_at": manifest.get("saved_at"),
        }

    # -- writing -------------------------------------------------------------------------

    def add(
        self, docs: Iterable[SourceDoc], progress: Callable[[int], None] | None = None
    ) -> IngestReport:
        """Store ``docs`` (see :mod:`verifier.documents` on idempotency) and index their passages.

        Documents are committed in batches; after each commit the index follows, and it is
        saved once at the end (and also when a later batch fails, so that what was committed
        stays searchable).

        Args:
            docs: documents read by :mod:`verifier.sources` (any iterable: they are taken
                a batch at a time).
            progress: called with the number of passages just embedded.
        """
        report = IngestReport()
        stream = iter(docs)
        with self._writing() as index:
            while chunk := list(islice(stream, _DOCS_PER_TRANSACTION)):
                with self._db.session() as session:
                    batch = store_documents(session, chunk, self.passage_chars, report)
                    vectors = self.embedder.embed(
                        [p.text for p in batch.fresh],
                        cache=DbVectorCache(session),
                        progress=progress,
                    )
                    ids = np.array([p.id for p in batch.fresh], dtype=np.int64)
                # Committed: the index follows. A crash before it is saved leaves passages
                # the index lacks, which repair() adds on the next start.
                report.removed_passages += index.remove(batch.stale)
                index.add(ids, vectors)
        return report

    def remove(self, uris: Iterable[str]) -> int:
        """Delete documents by uri, from the database and then the index.

        Returns:
            how many documents were removed; uris not held are ignored.
        """
        with self._writing() as index:
            with self._db.session() as session:
                removed, stale = delete_documents(session, uris)
            index.remove(stale)
        return removed

    def repair(self) -> IndexDrift:
        """Add missing passages to the index and drop stale ids. Returns what was fixed."""
        if not self.check():
            return IndexDrift()
        with self._writing() as index:
            with self._db.session() as session:
                in_db = passage_ids(session)
            in_index = index.ids()
            drift = IndexDrift(missing=in_db - in_index, extra=in_index - in_db)
            index.remove(drift.extra)
            self._embed_into(index, sorted(drift.missing))
        return drift

    def rebuild(self) -> int:
        """Make the index again from every passage in the database, ignoring the files in the
        index folder (so a corrupt or foreign index is replaced). Returns its size."""
        with self._writing(start_empty=True) as index:
            with self._db.session() as session:
                ids = sorted(passage_ids(session))
            self._embed_into(index, ids)
            return len(index)

    # -- internals -----------------------------------------------------------------------

    def _embed_into(self, index: PassageIndex, ids: list[int]) -> None:
        """Add the vectors of passages ``ids`` (from the cache where it has them)."""
        for start in range(0, len(ids), _PASSAGES_PER_REPAIR_CHUNK):
            with self._db.session() as session:
                rows = passage_texts(session, ids[start : start + _PASSAGES_PER_REPAIR_CHUNK])
                vectors = self.embedder.embed(
                    [text for _, text in rows], cache=DbVectorCache(session)
                )
            index.add(np.array([pid for pid, _ in rows], dtype=np.int64), vectors)

    @contextmanager
    def _writing(self, start_empty: bool = False) -> Iterator[PassageIndex]:
        """The exclusive right to change the index, and a private copy of it to change.

        The copy is read from disk under the lock (so another process's changes are kept),
        or starts empty for a rebuild. It is saved and published on the way out if it changed
        (a rebuild always is); if the block fails with an exception, what it changed so far is
        saved too (it mirrors what was committed), except for a rebuild, which leaves the old
        index in place.
        """
        with self._write_lock, file_lock(self.folder / LOCK_FILE):
            index = self._new() if start_empty else self._read()
            try:
                yield index
            except Exception:
                if not start_empty and index.changed:
                    self._save(index)
                raise
            if start_empty or index.changed:
                self._save(index)

    def _new(self) -> PassageIndex:
        return PassageIndex(self.embedder.name, self.embedder.dim)

    def _read(self) -> PassageIndex:
        try:
            return PassageIndex.load(self.folder, self.embedder.name, self.embedder.dim)
        except IndexStoreError as error:
            raise VerifierError(str(error)) from error

    def _save(self, index: PassageIndex) -> None:
        index.save(self.folder)
        with self._publish_lock:
            self._snapshot, self._stamp = index, self._disk_stamp()

    def _disk_stamp(self) -> tuple[int, int, int] | None:
        return PassageIndex.saved_stamp(self.folder)
