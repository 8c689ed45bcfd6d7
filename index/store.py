"""A FAISS inner-product index of passage vectors, keyed by passage id.

Vectors are L2-normalised before they get here, so inner product equals cosine similarity.
``IndexIDMap2`` keeps our own int64 ids (the database's passage ids) and supports
``remove_ids`` and ``reconstruct``, so passages are added and removed without a rebuild.

The index is written with a manifest (model, dimension, count). Both files are written to
temporary names and renamed into place, so a crash while saving leaves the previous index
intact rather than a truncated one.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import faiss
import numpy as np

INDEX_FILE = "passages.faiss"
MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1


class IndexStoreError(Exception):
    """The index on disk is unreadable or was built for another model."""


class PassageIndex:
    """Cosine-similarity search over passage vectors.

    Args:
        model: name of the embedding model the vectors come from.
        dim: vector dimension.
    """

    def __init__(self, model: str, dim: int) -> None:
        self.model = model
        self.dim = dim
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        #: Whether vectors were added or removed since this object was made or loaded, so a
        #: writer can skip saving an index it did not change.
        self.changed = False

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> set[int]:
        """Every passage id in the index."""
        return {int(i) for i in faiss.vector_to_array(self._index.id_map)}

    def add(self, ids: np.ndarray | list[int], vectors: np.ndarray) -> None:
        """Add vectors under ``ids``; an id already present is replaced, not duplicated."""
        id_array = np.asarray(ids, dtype=np.int64)
        if len(id_array) == 0:
            return
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[1] != self.dim:
            raise IndexStoreError(
                f"vectors have shape {matrix.shape}; this index holds {self.dim}-d vectors"
            )
        if len(id_array) != matrix.shape[0]:
            raise IndexStoreError(f"{len(id_array)} ids for {matrix.shape[0]} vectors")
        self.remove(id_array)
        self._index.add_with_ids(matrix, id_array)
        self.changed = True

    def remove(self, ids: np.ndarray | list[int] | set[int]) -> int:
        """Remove ``ids`` (absent ids are ignored). Returns how many were removed."""
        id_array = np.asarray(sorted(ids) if isinstance(ids, set) else ids, dtype=np.int64)
        if len(id_array) == 0 or len(self) == 0:
            return 0
        removed = int(self._index.remove_ids(faiss.IDSelectorBatch(id_array)))
        self.changed = self.changed or removed > 0
        return removed

    def vector(self, passage_id: int) -> np.ndarray:
        """The stored vector of one passage."""
        return np.asarray(self._index.reconstruct(int(passage_id)))

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` passages for each query vector.

        Returns:
            ``(scores, ids)``, both of shape ``(n_queries, k')`` with ``k' = min(k, len)``,
            best first. Scores are cosine similarities in [-1, 1].
        """
        queries = np.ascontiguousarray(vectors, dtype=np.float32)
        if queries.ndim == 1:
            queries = queries[None, :]
        k = min(k, len(self))
        if k <= 0:
            empty = np.zeros((queries.shape[0], 0))
            return empty.astype(np.float32), empty.astype(np.int64)
        scores, ids = self._index.search(queries, k)
        return scores, ids

    def manifest(self) -> dict[str, object]:
        return {
            "format": FORMAT_VERSION,
            "model": self.model,
            "dim": self.dim,
            "count": len(self),
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    def save(self, folder: Path) -> None:
        """Write the index and its manifest into ``folder`` atomically."""
        folder.mkdir(parents=True, exist_ok=True)
        index_tmp = folder / (INDEX_FILE + ".tmp")
        manifest_tmp = folder / (MANIFEST_FILE + ".tmp")
        faiss.write_index(self._index, str(index_tmp))
        manifest_tmp.write_text(json.dumps(self.manifest(), indent=2), encoding="utf-8")
        _fsync(index_tmp)
        os.replace(index_tmp, folder / INDEX_FILE)
        os.replace(manifest_tmp, folder / MANIFEST_FILE)

    @classmethod
    def load(cls, folder: Path, model: str, dim: int) -> PassageIndex:
        """Read the index in ``folder``, or start an empty one if there is none.

        Raises:
            IndexStoreError: the files are unreadable, or were made with another model.
        """
        index_path, manifest_path = folder / INDEX_FILE, folder / MANIFEST_FILE
        store = cls(model, dim)
        if not index_path.exists() and not manifest_path.exists():
            return store
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            raw = faiss.read_index(str(index_path))
        except (OSError, ValueError, RuntimeError) as error:
            raise IndexStoreError(
                f"the index in {folder} cannot be read ({_first_line(error)}); "
                "run `verifier index rebuild` to make it again from the database"
            ) from error
        if manifest.get("model") != model or manifest.get("dim") != dim:
            raise IndexStoreError(
                f"the index in {folder} was built with {manifest.get('model')} "
                f"({manifest.get('dim')}-d) but the embedder in use is {model} ({dim}-d); "
                "run `verifier index rebuild` to embed every passage again with it, or go "
                "back to the embedder it was built with (VERIFIER_BACKEND)"
            )
        # read_index returns the concrete class; a wrapper from downcast_index would not
        # own the C++ object and its id map could be freed under us.
        if not isinstance(raw, faiss.IndexIDMap2) or raw.d != dim:
            raise IndexStoreError(
                f"{index_path} is not a passage index; run `verifier index rebuild`"
            )
        store._index = raw
        return store

    @staticmethod
    def saved_stamp(folder: Path) -> tuple[int, int, int] | None:
        """Identity of the index saved in ``folder`` (``None`` if there is none).

        Every save renames a new file into place, so the stamp changes with each save: a
        long-lived reader compares stamps to know when to load the index again.
        """
        try:
            stat = (folder / INDEX_FILE).stat()
        except FileNotFoundError:
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    @staticmethod
    def read_manifest(folder: Path) -> dict[str, object] | None:
        """The manifest saved in ``folder``, or ``None`` when there is no index yet."""
        path = folder / MANIFEST_FILE
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
