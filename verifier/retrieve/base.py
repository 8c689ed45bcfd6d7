"""The retriever interface: claim texts and their vectors in, ranked evidence out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.db.models import Document, Passage
from verifier.outlets import label_of, labels_for

_IN_CHUNK = 5000  # ids per IN (...) query: stays under SQLite's bound-parameter limit


@dataclass(frozen=True)
class Evidence:
    """A passage returned for a claim, with where it came from.

    Attributes:
        score: the retriever's relevance score; for dense retrieval the cosine similarity.
        uri: the source's URL when it has one, else the path it was ingested from.
    """

    passage_id: int
    text: str
    score: float
    uri: str
    document: str
    outlet: str | None = None
    published: str | None = None
    #: The desk's label for the outlet (:mod:`verifier.outlets`), if it has one.
    outlet_label: str | None = None


class Retriever(Protocol):
    """Finds the passages that bear on each claim.

    Attributes:
        name: recorded with every suggestion as its provenance (e.g. ``dense:all-MiniLM-L6-v2``).
    """

    name: str

    def retrieve(
        self, session: Session, texts: Sequence[str], vectors: np.ndarray, top_k: int
    ) -> list[list[Evidence]]:
        """Ranked evidence, best first, for each claim.

        Args:
            session: to read passage and source details.
            texts: the claims.
            vectors: their embeddings, one row per claim, unit length.
            top_k: passages per claim at most.
        """
        ...


def evidence_for(
    session: Session, ranked: Sequence[Sequence[tuple[int, float]]]
) -> list[list[Evidence]]:
    """Evidence records for ranked ``(passage id, score)`` lists, in the same order.

    A passage that is no longer in the database (deleted since it was indexed) is dropped.
    """
    wanted = sorted({pid for hits in ranked for pid, _ in hits})
    query = sa.select(
        Passage.id,
        Passage.text,
        Document.uri,
        Document.url,
        Document.title,
        Document.outlet,
        Document.published,
    ).join(Document)
    # passage id -> (text, uri, title, outlet, date): the score differs per claim
    held: dict[int, tuple[str, str, str, str | None, str | None]] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        for row in session.execute(query.where(Passage.id.in_(wanted[start : start + _IN_CHUNK]))):
            published = row.published.isoformat() if row.published else None
            held[row.id] = (row.text, row.url or row.uri, row.title, row.outlet, published)
    labels = labels_for(session, (row[3] for row in held.values()))
    return [
        [
            Evidence(
                pid,
                held[pid][0],
                score,
                *held[pid][1:],
                outlet_label=label_of(labels, held[pid][3], held[pid][1]),
            )
            for pid, score in hits
            if pid in held
        ]
        for hits in ranked
    ]
