"""Test doubles: a fast embedder that needs no model.

``HashEmbedder`` hashes words into buckets (a bag of words): texts that share words get close
vectors, so retrieval, ranking and the verdict rules can be tested in milliseconds. Tests that
depend on what the real model understands (paraphrases, meaning) use the real one instead.
"""

from __future__ import annotations

import re
import time
import zlib

import numpy as np

from verifier.embed import Embedder

_WORD = re.compile(r"\w+")
_STOP = frozenset("a an the of in on at to and or is was are were by for with that it its".split())


class HashEmbedder(Embedder):
    name = "test-hash-bow"
    dim = 384

    def __init__(self) -> None:
        self.batch_size = 64
        self.calls = 0  # model calls, so a test can tell cache hits from misses

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w for w in _WORD.findall(text.lower()) if w not in _STOP]
            for word in words or ["<empty>"]:
                vectors[row, zlib.crc32(word.encode()) % self.dim] += 1.0
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


class SlowEmbedder(HashEmbedder):
    """A :class:`HashEmbedder` that takes as long per batch as the real model on a slow CPU
    (for tests of what other writers see while a long ingest embeds)."""

    def __init__(self, seconds_per_batch: float = 0.4) -> None:
        super().__init__()
        self.seconds_per_batch = seconds_per_batch

    def encode(self, texts: list[str]) -> np.ndarray:
        time.sleep(self.seconds_per_batch)
        return super().encode(texts)
