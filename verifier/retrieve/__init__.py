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

__all__ = ["DenseRetriever", "Evidence", "Retriever", "evidence_for", "make_retriever"]


def make_retriever(name: RetrieverName, corpus: Corpus) -> Retriever:
    """The retriever called ``name``, searching ``corpus``.

    Raises:
        SettingsError: no retriever has that name.
    """
    if name == "dense":
        return DenseRetriever(corpus.index, corpus.embedder.name)
    raise SettingsError(f"VERIFIER_RETRIEVER: no retriever called {name!r}")
