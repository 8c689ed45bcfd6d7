"""The PyTorch backend: sentence-transformers on the CPU, in fp32 (the reference) or bf16.

fp32 is what every other backend is measured against. bf16 runs the same model under
``torch.autocast`` (mean cosine to fp32 0.99998 on the shared sets); it pays off only on CPUs
with bf16 instructions (``avx512_bf16`` or AMX), and is slower than fp32 elsewhere.
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from verifier.config import MODEL_NAME
from verifier.embed.base import Embedder
from verifier.embed.model_files import bundled_model_dir, verify_model_dir
from verifier.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


@lru_cache(maxsize=2)
def load_model(model_dir: Path) -> SentenceTransformer:
    """Load (once per process) the verified model from ``model_dir`` on the CPU."""
    verify_model_dir(model_dir)
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    except (OSError, ValueError) as error:
        raise ModelError(f"cannot load the embedding model from {model_dir}: {error}") from error


class TorchEmbedder(Embedder):
    """The bundled all-MiniLM-L6-v2 (or a verified copy of it) in PyTorch.

    Args:
        model_dir: model folder; the bundled one when ``None``.
        batch_size: texts per model call (``None``: 64).
        bf16: compute in bfloat16 (``torch.autocast``) instead of float32.

    The fp32 embedder is named plainly ``all-MiniLM-L6-v2`` (the name vectors had before
    there were other backends, so existing caches and indexes stay valid); bf16 is
    ``all-MiniLM-L6-v2+torch-bf16``.
    """

    dim = 384
    default_batch_size = 64

    def __init__(
        self, model_dir: Path | None = None, batch_size: int | None = None, bf16: bool = False
    ) -> None:
        self.model_dir = model_dir or bundled_model_dir()
        self.batch_size = batch_size or self.default_batch_size
        self.bf16 = bf16
        self.name = f"{MODEL_NAME}+torch-bf16" if bf16 else MODEL_NAME

    @property
    def model(self) -> SentenceTransformer:
        return load_model(self.model_dir)

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        model = self.model  # loads (and verifies) on first use
        with torch.autocast("cpu", dtype=torch.bfloat16) if self.bf16 else nullcontext():
            vectors = model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)
