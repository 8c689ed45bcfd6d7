"""Claim memory: has the desk already checked this claim, or one that says the same?

Every claim a reviewer has decided is remembered by its embedding. A new claim whose cosine
similarity to a reviewed one reaches :data:`SAME_CLAIM_SIMILARITY` is shown as "checked
before: verdict, by whom, when", with the reviewed claim's words so the reviewer can see
what differs, and the verdict can be reused in one action. The threshold was measured on
pairs of sentences that say the same thing and pairs that do not
(``benchmarks/bench_claim_memory.py``; figures in docs/benchmarks.md).

The reviewed claims' vectors are held in memory, one matrix, reloaded only when a verdict
has changed since (one indexed query tells); they come from the embedding cache, as claims
are embedded when matched.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.cache import DbVectorCache
from verifier.db.models import Article, Claim, Verdict, VerdictChange, as_utc
from verifier.embed import Embedder
from verifier.labels import Label
from verifier.stance import negation
from verifier.stance.rules import DENIALS, conflicting_spans
from verifier.text import normalise

#: Cosine similarity from which two claims are taken to say the same thing (measured:
#: docs/benchmarks.md, "Claim memory").
SAME_CLAIM_SIMILARITY = 0.87


_CANDIDATES = 5  # reviewed claims looked at, most similar first
# A negation, a denial, or a word that negates a whole claim ("nobody", "nothing"): counted
# to tell "Russia sent jets" from "Russia cannot send jets". Wider than the rules' reading
# on purpose: a stray one only stops a verdict being reused.
_NEGATION = re.compile(
    rf"\b(?:{'|'.join(negation.NEGATIONS + ('nobody', 'nothing') + DENIALS)})\b|n't\b", re.I
)


def differs(claim: str, other: str) -> bool:
    """Whether two claims that read alike still say different things: a figure differs for
    the same unit ("28 jets" against "six jets"), or one is negated (or denied: "Moscow denied
    sending jets") and the other is not.
    Embeddings put such pairs close together; a desk must not reuse a verdict across them."""
    if conflicting_spans(claim, other) or conflicting_spans(other, claim):
        return True
    return _negations(claim) % 2 != _negations(other) % 2


def _negations(text: str) -> int:
    return len(_NEGATION.findall(normalise(text)))


@dataclass(frozen=True)
class PastCheck:
    """A reviewed claim that says the same as the one at hand."""

    claim_id: int
    text: str
    label: Label
    reviewer: str | None
    reviewed_at: datetime
    note: str | None
    evidence: tuple[int, ...]
    article: str | None
    similarity: float

    def describe(self) -> str:
        """``checked before: disputed by Dana on 2026-11-27 (claim #12, similarity 0.93)``."""
        return (
            f"checked before: {self.label.value} by {self.reviewer or 'someone'} on "
            f"{self.reviewed_at:%Y-%m-%d} (claim #{self.claim_id}, similarity "
            f"{self.similarity:.2f})"
        )

    def to_fields(self) -> dict[str, object]:
        """Flat fields for a scored record (:data:`PAST_CHECK_FIELDS`)."""
        values = (
            self.claim_id,
            self.label.value,
            self.reviewer,
            self.reviewed_at.isoformat(),
            round(self.similarity, 4),
            self.text,
        )
        return dict(zip(PAST_CHECK_FIELDS, values, strict=True))


#: A scored record's fields about the claim checked before (all ``None`` when none was).
PAST_CHECK_FIELDS = (
    "checked_before_claim_id",
    "checked_before_verdict",
    "checked_before_by",
    "checked_before_at",
    "checked_before_similarity",
    "checked_before_claim",
)


@dataclass(frozen=True)
class _Snapshot:
    stamp: tuple[int, int]
    checks: list[PastCheck]  # similarity 0: filled in per query
    vectors: np.ndarray  # (len(checks), dim), unit rows


class ClaimMemory:
    """The desk's reviewed claims, searchable by meaning (shared by threads).

    Args:
        embedder: the model the claims are embedded with (through the embedding cache).
        threshold: similarity from which a claim counts as checked before.
    """

    def __init__(self, embedder: Embedder, threshold: float = SAME_CLAIM_SIMILARITY) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    def _current(self, session: Session) -> _Snapshot:
        stamp = session.execute(
            sa.select(
                sa.func.count(VerdictChange.id), sa.func.coalesce(sa.func.max(VerdictChange.id), 0)
            )
        ).one()
        key = (int(stamp[0]), int(stamp[1]))
        with self._lock:
            if self._snapshot is not None and self._snapshot.stamp == key:
                return self._snapshot
        rows = session.execute(
            sa.select(
                Claim.id,
                Claim.text,
                Verdict.label,
                Verdict.reviewer,
                Verdict.updated_at,
                Verdict.note,
                Verdict.evidence,
                Article.title,
            )
            .join(Verdict, Verdict.claim_id == Claim.id)
            .outerjoin(Article, Article.id == Claim.article_id)
            .where(Verdict.label.is_not(None))
            .order_by(Claim.id)
        ).all()
        checks = [
            PastCheck(
                row.id,
                row.text,
                row.label,
                row.reviewer,
                as_utc(row.updated_at),
                row.note,
                tuple(row.evidence or ()),
                row.title,
                0.0,
            )
            for row in rows
        ]
        vectors = (
            self.embedder.embed([c.text for c in checks], cache=DbVectorCache(session, hold=True))
            if checks
            else np.zeros((0, 1), dtype=np.float32)
        )
        snapshot = _Snapshot(key, checks, np.asarray(vectors, dtype=np.float32))
        with self._lock:
            self._snapshot = snapshot
        return snapshot

    def nearest(
        self,
        session: Session,
        vectors: np.ndarray,
        exclude: Sequence[int | None] | None = None,
        texts: Sequence[str] | None = None,
    ) -> list[PastCheck | None]:
        """For each claim vector (unit rows), the most similar reviewed claim at or above the
        threshold that does not :func:`differ <differs>` from the claim's ``texts``, or
        ``None``. ``exclude`` names each row's own claim id, never its match."""
        snapshot = self._current(session)
        count = len(vectors)
        if not snapshot.checks or count == 0:
            return [None] * count
        similarity = np.asarray(vectors, dtype=np.float32) @ snapshot.vectors.T
        own = exclude or [None] * count
        ids = np.array([c.claim_id for c in snapshot.checks])
        found: list[PastCheck | None] = []
        words: Sequence[str | None] = texts if texts is not None else [None] * count
        for row, claim_id, text in zip(similarity, own, words):
            if claim_id is not None:
                row = np.where(ids == claim_id, -1.0, row)
            found.append(None)
            for best in np.argsort(-row)[:_CANDIDATES]:
                score = float(row[best])
                if score < self.threshold:
                    break
                check = snapshot.checks[int(best)]
                if text is not None and differs(text, check.text):
                    continue  # close in meaning, but a figure or a negation differs
                found[-1] = PastCheck(**{**check.__dict__, "similarity": min(score, 1.0)})
                break
        return found

    def for_claims(
        self, session: Session, claims: Sequence[tuple[int, str]]
    ) -> dict[int, PastCheck]:
        """The past check of each stored claim ``(id, text)`` that has one."""
        if not claims:
            return {}
        vectors = self.embedder.embed(
            [text for _, text in claims], cache=DbVectorCache(session, hold=True)
        )
        found = self.nearest(
            session, vectors, [claim_id for claim_id, _ in claims], [text for _, text in claims]
        )
        return {claim_id: past for (claim_id, _), past in zip(claims, found) if past}
