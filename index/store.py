"""A FAISS inner-product index of passage vectors, keyed by passage id.

Vectors are L2-normalised before they get here, so inner product equals cosine similarity.
``IndexIDMap2`` keeps our own int64 ids (the database's passage ids) and supports
``remove_ids`` and ``reconstruct``, so passages are added and removed without a rebuild.

The vectors are written to a file named by their checksum, then a manifest (model, dimension,
count, the file's name, size and sha256, and a checksum of the manifest) is renamed into place:
that rename is the commit, so a crash while saving leaves the previous index whole, and
:meth:`PassageIndex.verify` finds a file changed or damaged since.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faiss
import numpy as np

#: The vector file of indexes saved before checksums (newer ones are named by content).
INDEX_FILE = "passages.faiss"
MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 2
_VECTOR_FILE = re.compile(r"passages(-[0-9a-f]{16})?\.faiss")
_MANIFEST_MAX = 64 * 1024


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
        #: Identity of the database the vectors come from (kept in the manifest; ``None``
        #: for an index saved before it was recorded).
        self.database: str | None = None
        #: Whether the manifest it was loaded from named its database.
        self.database_recorded = True
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
            "database": self.database,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    def save(self, folder: Path) -> None:
        """Write the index into ``folder``; the manifest's rename is the commit.

        The vectors go to a new file named by its checksum, then the manifest naming that
        file (with its size and sha256, and a checksum of the manifest itself) is renamed
        into place. A crash at any point leaves the previous manifest and the file it names
        whole; files left over (temporary or superseded) are removed by the next save.
        """
        folder.mkdir(parents=True, exist_ok=True)
        index_tmp = folder / f".{INDEX_FILE}.{os.getpid()}.tmp"
        manifest_tmp = folder / f".{MANIFEST_FILE}.{os.getpid()}.tmp"
        faiss.write_index(self._index, str(index_tmp))
        digest, size = _sha256(index_tmp)
        name = f"passages-{digest[:16]}.faiss"
        _fsync(index_tmp)
        os.replace(index_tmp, folder / name)
        manifest = {**self.manifest(), "file": name, "bytes": size, "sha256": digest}
        manifest["checksum"] = _manifest_checksum(manifest)
        manifest_tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        _fsync(manifest_tmp)
        os.replace(manifest_tmp, folder / MANIFEST_FILE)
        _fsync_folder(folder)
        clean(folder, keep=name)

    @classmethod
    def load(cls, folder: Path, model: str, dim: int) -> PassageIndex:
        """Read the index in ``folder``, or start an empty one if there is none.

        Raises:
            IndexStoreError: the files are unreadable, or were made with another model.
        """
        store = cls(model, dim)
        found = _read_saved(folder)
        if found is None:
            return store
        manifest, raw, index_path = found
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
        database = manifest.get("database")
        store.database = database if isinstance(database, str) else None
        return store

    @staticmethod
    def verify(folder: Path) -> list[str]:
        """Problems with the saved index's content (empty when it is whole): the manifest's
        own checksum, then the size and sha256 of the vector file it names.

        Reads every byte of the vector file; nothing is changed.
        """
        manifest_path = folder / MANIFEST_FILE
        try:
            manifest = PassageIndex.read_manifest(folder)
        except IndexStoreError:
            return [f"{manifest_path} is not a readable index manifest"]
        if manifest is None:
            if (folder / INDEX_FILE).exists():
                return [f"{folder / INDEX_FILE} has no {MANIFEST_FILE}"]
            return []
        if "checksum" not in manifest or "sha256" not in manifest:
            return [
                f"{manifest_path} was saved without checksums (by an older version), so "
                "its content cannot be verified"
            ]
        if manifest["checksum"] != _manifest_checksum(manifest):
            return [f"{manifest_path} does not match its checksum (it was changed or damaged)"]
        try:
            path = folder / _file_of(manifest, folder)
        except IndexStoreError:
            return [f"{manifest_path} names {manifest.get('file')!r}, not an index file"]
        try:
            digest, size = _sha256(path)
        except OSError as error:
            return [f"{path} cannot be read ({error.strerror})"]
        if size != manifest.get("bytes") or digest != manifest["sha256"]:
            return [
                f"{path} does not match the checksum in {MANIFEST_FILE} (the file was "
                "changed or damaged)"
            ]
        return []

    @staticmethod
    def saved_stamp(folder: Path) -> tuple[int, int, int] | None:
        """Identity of the index saved in ``folder`` (``None`` if there is none).

        Every save renames a new manifest into place, so the stamp changes with each save: a
        long-lived reader compares stamps to know when to load the index again.
        """
        try:
            stat = (folder / MANIFEST_FILE).stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    @staticmethod
    def read_manifest(folder: Path) -> dict[str, Any] | None:
        """The manifest saved in ``folder``, or ``None`` when there is no index yet.

        Raises:
            IndexStoreError: the manifest is not a readable JSON object.
        """
        path = folder / MANIFEST_FILE
        try:
            with open(path, "rb") as handle:
                raw = handle.read(_MANIFEST_MAX + 1)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise IndexStoreError(f"{path} cannot be read ({_first_line(error)})") from error
        try:
            manifest = json.loads(raw.decode("utf-8")) if len(raw) <= _MANIFEST_MAX else None
        except (UnicodeDecodeError, ValueError, RecursionError):
            manifest = None
        if not isinstance(manifest, dict):
            raise IndexStoreError(
                f"{path} is not an index manifest; run `verifier index rebuild` to make the "
                "index again from the database"
            )
        return manifest


def _read_saved(folder: Path) -> tuple[dict[str, Any], Any, Path] | None:
    """The manifest, the FAISS index it names and that file's path (``None``: no index)."""
    for attempt in range(3):
        manifest = PassageIndex.read_manifest(folder)
        if manifest is None:
            if (folder / INDEX_FILE).exists():
                raise IndexStoreError(
                    f"the index in {folder} has no {MANIFEST_FILE}; run "
                    "`verifier index rebuild` to make it again from the database"
                )
            return None
        index_path = folder / _file_of(manifest, folder)
        try:
            return manifest, faiss.read_index(str(index_path)), index_path
        except (OSError, ValueError, RuntimeError) as error:
            # A writer may have replaced the manifest and removed the file it named
            # between our two reads: read the manifest again.
            if attempt < 2 and not index_path.exists():
                continue
            raise IndexStoreError(
                f"the index file {index_path} cannot be read ({_first_line(error)}); "
                "run `verifier index rebuild` to make it again from the database"
            ) from error
    raise AssertionError("unreachable")


def clean(folder: Path, keep: str | None = None) -> list[str]:
    """Remove temporary files a crashed save left in ``folder``, and vector files the
    manifest no longer names (all but ``keep``). Returns the names removed."""
    removed = []
    for path in folder.iterdir():
        name = path.name
        stale = name.endswith(".tmp") and name.startswith(".")
        superseded = _VECTOR_FILE.fullmatch(name) is not None and name != keep
        if (stale or superseded) and path.is_file():
            path.unlink(missing_ok=True)
            removed.append(name)
    return removed


def _file_of(manifest: dict[str, Any], folder: Path) -> str:
    """The vector file a manifest names (only a name of ours, never a path elsewhere)."""
    name = manifest.get("file", INDEX_FILE)
    if not isinstance(name, str) or _VECTOR_FILE.fullmatch(name) is None:
        raise IndexStoreError(
            f"{folder / MANIFEST_FILE} names {name!r}, not an index file; run "
            "`verifier index rebuild`"
        )
    return name


def _manifest_checksum(manifest: dict[str, Any]) -> str:
    body = {key: value for key, value in manifest.items() if key != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
