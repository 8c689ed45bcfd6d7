"""The open workbench: database, FAISS index and embedder, kept consistent.

The database is the source of truth; the index is derived from it. Writers change the
database first and save the index after the commit, so the only state a crash can leave is
"passages in the database that the index lacks" (or ids of deleted passages still in the
index). :meth:`Workbench.check_index` finds that drift and :meth:`Workbench.sync_index` repairs
it from the embedding cache; :meth:`Workbench.open` does so on every start.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from index import IndexStoreError, PassageIndex
from index.store import INDEX_FILE
from verifier.cache import DbVectorCache
from verifier.config import Settings
from verifier.db.models import Passage
from verifier.db.session import connect
from verifier.embed import Embedder
from verifier.errors import VerifierError

log = logging.getLogger(__name__)


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


class Workbench:
    """Database + index + embedder for one data folder.

    Use :meth:`open`; close with :meth:`close` or a ``with`` block.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.engine, self.sessions = connect(settings.database_url)
        self.embedder = embedder or Embedder(settings.model_dir, settings.batch_size)
        self.index_dir: Path = settings.index_dir
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self._index_stamp: tuple[int, int] | None = None
        self.index = self._load_index()

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        repair: bool = True,
        embedder: Embedder | None = None,
    ) -> Workbench:
        """Open (creating and migrating if needed) the workbench described by ``settings``.

        Args:
            settings: configuration; from the environment when ``None``.
            repair: bring the index in line with the database if they drifted apart.
            embedder: share an already-loaded embedder (tests, the app).
        """
        bench = cls(settings or Settings.from_env(), embedder)
        if repair:
            drift = bench.sync_index()
            if drift:
                log.warning("repaired index: %s", drift.describe())
        return bench

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workbench:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = (self.index_dir / INDEX_FILE).stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def _load_index(self) -> PassageIndex:
        stamp = self._stamp()
        try:
            index = PassageIndex.load(self.index_dir, self.embedder.name, self.embedder.dim)
        except IndexStoreError as error:
            raise VerifierError(str(error)) from error
        self._index_stamp = stamp
        return index

    def refresh(self) -> PassageIndex:
        """The index, re-read first if another process saved a newer one since we loaded.

        Long-lived readers (the app) call this before searching, so sources ingested from the
        command line meanwhile are found without a restart.
        """
        if self._stamp() != self._index_stamp:
            self.index = self._load_index()
        return self.index

    @contextmanager
    def writing(self) -> Iterator[PassageIndex]:
        """Exclusive right to change the index (one writer across processes).

        The index is re-read under the lock if another process saved it since we loaded, so
        its changes are not overwritten. The caller changes the database, commits, then the index
        is saved here on the way out. If the block raises, the in-memory index is re-read from
        disk, discarding half-made changes.
        """
        with open(self.index_dir / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self.refresh()
                try:
                    yield self.index
                except BaseException:
                    self.index = self._load_index()
                    raise
                self.index.save(self.index_dir)
                self._index_stamp = self._stamp()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def passage_count(self) -> int:
        with self.session() as session:
            return int(session.scalar(sa.select(sa.func.count()).select_from(Passage)) or 0)

    def passage_ids(self) -> set[int]:
        with self.session() as session:
            return set(session.scalars(sa.select(Passage.id)))

    def check_index(self) -> IndexDrift:
        """How the index differs from the passages in the database (changes nothing)."""
        in_db, in_index = self.passage_ids(), self.index.ids()
        return IndexDrift(missing=in_db - in_index, extra=in_index - in_db)

    def sync_index(self) -> IndexDrift:
        """Add missing passages to the index and drop stale ids. Returns what was fixed."""
        if not self.check_index():
            return IndexDrift()
        with self.writing() as index:
            drift = self.check_index()
            index.remove(drift.extra)
            self._add_passages(index, sorted(drift.missing))
        return drift

    def rebuild_index(self) -> int:
        """Make the index again from every passage in the database. Returns its size."""
        with self.writing() as index:
            index.remove(index.ids())
            self._add_passages(index, sorted(self.passage_ids()))
            return len(index)

    def _add_passages(self, index: PassageIndex, ids: list[int], chunk: int = 2048) -> None:
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            with self.session() as session:
                rows = session.execute(
                    sa.select(Passage.id, Passage.text).where(Passage.id.in_(part))
                ).all()
                vectors = self.embedder.embed(
                    [text for _, text in rows], cache=DbVectorCache(session)
                )
            index.add(np.array([pid for pid, _ in rows], dtype=np.int64), vectors)

    def stats(self) -> dict[str, object]:
        """Counts for ``verifier index stats`` and the app's sidebar."""
        manifest = PassageIndex.read_manifest(self.index_dir) or {}
        return {
            "database": self.engine.url.render_as_string(hide_password=True),
            "index_dir": str(self.index_dir),
            "model": self.embedder.name,
            "dim": self.embedder.dim,
            "vectors": len(self.index),
            "passages": self.passage_count(),
            "saved_at": manifest.get("saved_at"),
        }
