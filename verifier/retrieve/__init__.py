"""Retrievers: how evidence passages are found for a claim. Chosen by ``VERIFIER_RETRIEVER``.

Each retriever lives in its own module and implements :class:`Retriever`; :func:`make_retriever`
builds the one the settings name.
"""

from __future__ import annotations

from verifier.config import RetrieverName
from verifier.corpus import Corpus
from verifier.errors import SettingsError
from verifier.retrieve.base import Evidence, Retriever, evidence_for
from verifier.retrieve.dense import DenseRetriever
from verifier.retrieve.hybrid import HybridRetriever

__all__ = [
    "DenseRetriever",
    "Evidence",
    "HybridRetriever",
    "Retriever",
    "evidence_for",
    "make_retriever",
]


def make_retriever(
    name: RetrieverName, corpus: Corpus, weight: float = 0.5, title_boost: float = 1.0
) -> Retriever:
    """The retriever called ``name``, searching ``corpus``.

    Args:
        weight: the dense share of the hybrid's fused score.
        title_boost: BM25 weight of a title term against a text term.

    Raises:
        SettingsError: no retriever has that name.
    """
    if name == "dense":
        return DenseRetriever(corpus.index, corpus.embedder.name)
    if name in ("hybrid", "bm25"):
        return HybridRetriever(
            corpus.index,
            corpus.words,
            corpus.embedder.name,
            weight if name == "hybrid" else 0.0,
            title_boost,
        )
    raise SettingsError(f"VERIFIER_RETRIEVER: no retriever called {name!r}")
