"""Hybrid retrieval: BM25 over words and cosine similarity over vectors, fused.

Each side returns its best candidates; each side's scores are min-max normalised over its own
candidates (a passage the other side did not return gets 0 there) and combined as
``weight * dense + (1 - weight) * bm25``. The weight was tuned on the shared splits of
CLIMATE-FEVER and SciFact (``benchmarks/bench_quality.py``); reciprocal rank fusion ranked
lower on both. With ``weight=0`` this is BM25 alone.

The passages are *ranked* by the fused score, but the score each one reports is its cosine
similarity to the claim (from the stored vector when only BM25 found it), the same measure
the dense retriever reports: the stance models read it as closeness, whatever ranked it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sqlalchemy.orm import Session

from index import LexicalIndex, PassageIndex
from verifier.retrieve.base import Evidence, evidence_for

#: Candidates each side returns before fusion (the depth the weight was tuned at).
CANDIDATES = 100


def minmax(scores: dict[int, float]) -> dict[int, float]:
    """Scores scaled to [0, 1] over the candidates (all 1 when they are equal)."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    return {key: (v - low) / (high - low) if high > low else 1.0 for key, v in scores.items()}


def fuse(dense: dict[int, float], words: dict[int, float], weight: float) -> list[int]:
    """Passage ids by fused score, best first (ties by id, so the order is stable)."""
    d, w = minmax(dense), minmax(words)
    fused = {pid: weight * d.get(pid, 0.0) + (1 - weight) * w.get(pid, 0.0) for pid in d | w}
    return sorted(fused, key=lambda pid: (-fused[pid], pid))


class HybridRetriever:
    """Searches the corpus's current vector and word indexes.

    Args:
        vectors: returns the vector index to search, current at the time of the call.
        words: returns the word index, likewise.
        model: the embedding model's name, part of the provenance.
        weight: the dense side's share of the fused score, from 0 (BM25 alone) to 1.
        title_boost: weight of a term found in the source's title against one in the text.
    """

    def __init__(
        self,
        vectors: Callable[[], PassageIndex],
        words: Callable[[], LexicalIndex],
        model: str,
        weight: float,
        title_boost: float,
    ) -> None:
        self._vectors = vectors
        self._words = words
        self.weight = weight
        self.title_boost = title_boost
        self.name = (
            f"hybrid:{model}+bm25(w={weight:g},title={title_boost:g})"
            if weight > 0
            else f"bm25(title={title_boost:g})"
        )

    def retrieve(
        self, session: Session, texts: Sequence[str], vectors: np.ndarray, top_k: int
    ) -> list[list[Evidence]]:
        index = self._vectors()
        depth = max(top_k, CANDIDATES)
        if self.weight > 0:
            scores, ids = index.search(vectors, depth)
        else:
            scores = ids = np.zeros((len(texts), 0))
        words = self._words().search(texts, depth, self.title_boost)
        ranked = []
        for row, query in enumerate(np.asarray(vectors, dtype=np.float32)):
            dense = {int(p): float(s) for s, p in zip(scores[row], ids[row]) if p >= 0}
            hits = []
            for pid in fuse(dense, dict(words[row]), self.weight):
                similarity = dense.get(pid)
                if similarity is None:
                    similarity = _cosine(index, pid, query)
                if similarity is not None:
                    hits.append((pid, similarity))
                if len(hits) == top_k:
                    break
            ranked.append(hits)
        return evidence_for(session, ranked)


def _cosine(index: PassageIndex, passage_id: int, query: np.ndarray) -> float | None:
    """Cosine similarity of a stored passage vector to ``query`` (``None`` when the vector
    index lacks the passage: it drifted, and is repaired on the next start)."""
    try:
        return float(index.vector(passage_id) @ query)
    except RuntimeError:
        return None
