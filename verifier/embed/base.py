"""The embedder interface: texts in, unit-length float32 vectors out, through a vector cache.

:class:`Embedder` embeds each distinct text once, reads and fills the cache, sorts the texts
it must compute by length (so a batch holds texts of similar length and little padding) and
reports progress; a backend only turns one batch of texts into vectors (:meth:`encode`).
Vectors are L2-normalised, so inner product in the index is cosine similarity.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from verifier.memory import release_free_memory
from verifier.text import text_hash


class VectorCache(Protocol):
    """Where embeddings are kept between runs (the database's ``embeddings`` table)."""

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None: ...


class Embedder:
    """Turns texts into normalised float32 vectors, embedding each distinct text once.

    Subclasses set :attr:`name`, :attr:`dim` and :attr:`batch_size`, and implement
    :meth:`encode`. :attr:`name` identifies the model *and* the backend and precision that
    computed the vectors: the cache and the index are keyed by it, so vectors from two
    backends never meet in one index.
    """

    name: str
    dim: int
    batch_size: int = 64

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors for one batch of texts, shape ``(len(texts), dim)``, unit length."""
        raise NotImplementedError

    def embed(
        self,
        texts: Sequence[str],
        cache: VectorCache | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Vectors for ``texts``, shape ``(len(texts), dim)``, each of unit length.

        Args:
            texts: the texts; duplicates are embedded once.
            cache: persistent cache keyed by (embedder name, text hash); hits skip the model.
            progress: called with the number of texts just finished, for progress bars.
        """
        hashes = [text_hash(text) for text in texts]
        found: dict[str, np.ndarray] = {}
        if cache is not None and hashes:
            found = cache.get_many(self.name, list(dict.fromkeys(hashes)))
        missing = {h: t for h, t in zip(hashes, texts) if h not in found}
        if progress and len(texts) - len(missing):
            progress(len(texts) - len(missing))
        if missing:
            fresh = self._encode_all(list(missing.values()), progress)
            computed = dict(zip(missing.keys(), fresh))
            found.update(computed)
            if cache is not None:
                cache.put_many(self.name, computed)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)

    def _encode_all(self, texts: list[str], progress: Callable[[int], None] | None) -> np.ndarray:
        # Longest first, in batches: each batch pads to its longest text, so batching texts
        # of similar length saves most of the padding work. Results go back in input order.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        result = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            result[rows] = self.encode([texts[i] for i in rows])
            release_free_memory()  # the model's freed buffers, or resident memory keeps growing
            if progress:
                progress(len(rows))
        return result
