"""Match claims against the passage index and suggest verdicts.

``score_claims`` is the bulk path (texts in, results out, nothing stored but the embedding
cache); ``match_claims`` does the same for claims held in the database and stores their
ranked matches and suggested verdicts, leaving any reviewer's verdict as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.cache import DbVectorCache
from verifier.db.models import Claim, Document, Match, Passage, Verdict
from verifier.errors import VerifierError
from verifier.verdict import Evidence, Suggestion, suggest
from verifier.workbench import Workbench

_IN_CHUNK = 5000


@dataclass(frozen=True)
class ScoredClaim:
    """A claim with its suggested verdict and the evidence behind it."""

    claim: str
    suggestion: Suggestion
    evidence: list[Evidence]
    claim_id: int | None = None

    def to_record(self) -> dict[str, object]:
        """The JSON-friendly record written by ``verifier score``."""
        record: dict[str, object] = {
            "claim": self.claim,
            "suggested_verdict": self.suggestion.label,
            "confidence": self.suggestion.confidence,
            "reason": self.suggestion.reason,
            "evidence": [
                {
                    "text": e.text,
                    "score": round(e.score, 4),
                    "uri": e.uri,
                    "document": e.document,
                    "passage_id": e.passage_id,
                    "outlet": e.outlet,
                    "date": e.published,
                }
                for e in self.evidence
            ],
        }
        if self.claim_id is not None:
            record["claim_id"] = self.claim_id
        return record


def _require_sources(bench: Workbench) -> None:
    if len(bench.refresh()) == 0:
        raise VerifierError("no sources are indexed yet; run `verifier ingest PATH` first")


def search(
    bench: Workbench, session: Session, vectors: np.ndarray, top_k: int
) -> list[list[Evidence]]:
    """Ranked evidence for each query vector, with passage and source details."""
    scores, ids = bench.index.search(vectors, top_k)
    wanted = sorted({int(i) for i in ids.ravel() if i >= 0})
    query = sa.select(
        Passage.id,
        Passage.text,
        Document.uri,
        Document.url,
        Document.title,
        Document.outlet,
        Document.published,
    ).join(Document)
    rows: dict[int, sa.Row] = {}
    for start in range(0, len(wanted), _IN_CHUNK):  # stay under SQLite's bound-parameter limit
        part = wanted[start : start + _IN_CHUNK]
        for found_row in session.execute(query.where(Passage.id.in_(part))):
            rows[found_row.id] = found_row
    results: list[list[Evidence]] = []
    for row_scores, row_ids in zip(scores, ids):
        found = []
        for score, pid in zip(row_scores, row_ids):
            row = rows.get(int(pid))
            if row is None:  # -1 padding, or a passage deleted meanwhile
                continue
            found.append(
                Evidence(
                    passage_id=row.id,
                    text=row.text,
                    score=float(score),
                    uri=row.url or row.uri,
                    document=row.title,
                    outlet=row.outlet,
                    published=row.published.isoformat() if row.published else None,
                )
            )
        results.append(found)
    return results


def _score(
    bench: Workbench, session: Session, texts: Sequence[str], top_k: int
) -> list[tuple[Suggestion, list[Evidence]]]:
    """Embed ``texts`` (through the cache), search the index, suggest a verdict for each."""
    vectors = bench.embedder.embed(texts, cache=DbVectorCache(session))
    evidence = search(bench, session, vectors, top_k)
    return [(suggest(text, found), found) for text, found in zip(texts, evidence)]


def score_claims(
    bench: Workbench,
    claims: Sequence[str],
    top_k: int | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = 1024,
) -> list[ScoredClaim]:
    """Evidence and a suggested verdict for each claim text (in input order).

    Args:
        bench: the open workbench (with sources ingested).
        claims: claim texts; a repeated claim is embedded once.
        top_k: evidence passages per claim; settings' ``top_k`` when ``None``.
        progress: called with the number of claims just scored.

    Raises:
        VerifierError: no sources have been ingested.
    """
    _require_sources(bench)
    k = top_k or bench.settings.top_k
    results: list[ScoredClaim] = []
    for start in range(0, len(claims), chunk):
        part = claims[start : start + chunk]
        with bench.session() as session:
            scored = _score(bench, session, part, k)
        results.extend(ScoredClaim(text, *pair) for text, pair in zip(part, scored))
        if progress:
            progress(len(part))
    return results


def match_claims(
    bench: Workbench,
    claim_ids: Sequence[int] | None = None,
    top_k: int | None = None,
    article_id: int | None = None,
    chunk: int = 1024,
) -> list[ScoredClaim]:
    """Match stored claims and store the results.

    Args:
        bench: the open workbench (with sources ingested).
        claim_ids: the claims to match; all stored claims when ``None``.
        top_k: evidence passages per claim; settings' ``top_k`` when ``None``.
        article_id: only this article's claims.

    Earlier matches of those claims are replaced; the suggested verdict is updated while a
    reviewer's label, note and evidence stay untouched.
    """
    _require_sources(bench)
    k = top_k or bench.settings.top_k
    query = sa.select(Claim.id).order_by(Claim.id)
    if claim_ids is not None:
        query = query.where(Claim.id.in_(list(claim_ids)))
    if article_id is not None:
        query = query.where(Claim.article_id == article_id)
    with bench.session() as session:
        ids = list(session.scalars(query))
    results: list[ScoredClaim] = []
    for start in range(0, len(ids), chunk):
        with bench.session() as session:
            results.extend(_match_part(bench, session, ids[start : start + chunk], k))
    return results


def _match_part(
    bench: Workbench, session: Session, ids: list[int], top_k: int
) -> list[ScoredClaim]:
    claims = list(session.scalars(sa.select(Claim).where(Claim.id.in_(ids)).order_by(Claim.id)))
    scored = _score(bench, session, [c.text for c in claims], top_k)
    session.execute(sa.delete(Match).where(Match.claim_id.in_(ids)))
    verdicts = {
        v.claim_id: v for v in session.scalars(sa.select(Verdict).where(Verdict.claim_id.in_(ids)))
    }
    results = []
    for claim, (suggestion, found) in zip(claims, scored):
        session.add_all(
            Match(claim_id=claim.id, passage_id=e.passage_id, rank=rank, score=e.score)
            for rank, e in enumerate(found, start=1)
        )
        verdict = verdicts.get(claim.id) or Verdict(claim_id=claim.id, evidence=[])
        verdict.suggested, verdict.confidence = suggestion.label, suggestion.confidence
        verdict.reason = suggestion.reason
        session.add(verdict)
        results.append(ScoredClaim(claim.text, suggestion, found, claim.id))
    return results
