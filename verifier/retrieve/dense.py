"""Dense retrieval: nearest passages by cosine similarity in the FAISS index."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sqlalchemy.orm import Session

from index import PassageIndex
from verifier.retrieve.base import Evidence, evidence_for


class DenseRetriever:
    """Searches the corpus's current index snapshot (see :meth:`verifier.corpus.Corpus.index`).

    Args:
        index: returns the index to search, current at the time of the call.
        model: the embedding model's name, part of the retriever's provenance.
    """

    def __init__(self, index: Callable[[], PassageIndex], model: str) -> None:
        self._index = index
        self.name = f"dense:{model}"

    def retrieve(
        self, session: Session, texts: Sequence[str], vectors: np.ndarray, top_k: int
    ) -> list[list[Evidence]]:
        scores, ids = self._index().search(vectors, top_k)
        ranked = [
            [(int(pid), float(score)) for score, pid in zip(row_scores, row_ids) if pid >= 0]
            for row_scores, row_ids in zip(scores, ids)
        ]
        return evidence_for(session, ranked)
