"""Match claims against the sources: embed, retrieve evidence, suggest a verdict; store it.

:func:`score_texts` does it for any claim texts (the bulk path; nothing is stored but the
embedding cache). :func:`store_suggestions` keeps the result for claims held in the database:
their ranked matches and the suggested verdict with its provenance, leaving any reviewer's
verdict as it is. :func:`claims_reached` finds the matched claims whose evidence passages
stored since would enter. The chaining over many claims (chunks, transactions) is the
pipeline's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from verifier.cache import DbVectorCache
from verifier.claim_memory import ClaimMemory, PastCheck
from verifier.db.models import Claim, Match, Passage, Verdict
from verifier.db.verdicts import locked_verdicts
from verifier.embed import Embedder
from verifier.retrieve.base import Evidence, Retriever
from verifier.stance.base import StanceModel, Suggestion


@dataclass(frozen=True)
class Provenance:
    """Which retriever and stance model (and version) made a suggestion."""

    retriever: str
    stance_model: str
    stance_version: str

    @classmethod
    def of(cls, retriever: Retriever, stance: StanceModel) -> Provenance:
        return cls(retriever.name, stance.name, stance.version)

    def __str__(self) -> str:
        return f"{self.retriever} + {self.stance_model} {self.stance_version}".strip()

    def in_words(self) -> str:
        """Which stance model (and version, without its runtime) read the evidence that
        which search found: ``trained`` ``6166980c62ae.5+openvino-bf16`` on
        ``hybrid:all-MiniLM-L6-v2+...+bm25(...)`` reads "the trained stance model
        6166980c62ae.5, on keyword and meaning search"."""
        model = self.stance_model
        if model == "rules":
            reader = "the rules"
        elif model.startswith("nli:"):
            reader = f"the NLI model {model.partition(':')[2]}"
        else:
            reader = f"the {model} stance model"
        if self.stance_version:
            version = self.stance_version.partition("+")[0]
            # A bare number reads as one: "the rules v1", not "the rules 1".
            reader += f" v{version}" if version.isdigit() else f" {version}"
        kind = self.retriever.partition(":")[0]
        search = _SEARCHES.get(kind, "keyword search" if kind.startswith("bm25") else kind)
        return f"{reader}, on {search}" if search else reader


_SEARCHES = {"hybrid": "keyword and meaning search", "dense": "meaning search"}


@dataclass(frozen=True)
class ScoredClaim:
    """A claim with its ranked evidence and suggested verdict."""

    claim: str
    suggestion: Suggestion
    evidence: list[Evidence]
    provenance: Provenance
    claim_id: int | None = None
    past: PastCheck | None = None  # a reviewed claim that says the same


def score_texts(
    session: Session,
    texts: Sequence[str],
    embedder: Embedder,
    retriever: Retriever,
    stance: StanceModel,
    top_k: int,
    cache: DbVectorCache | None = None,
    memory: ClaimMemory | None = None,
    claim_ids: Sequence[int | None] | None = None,
) -> list[ScoredClaim]:
    """Evidence and a suggested verdict for each text, in order (and, given the desk's
    ``memory``, the reviewed claim that says the same, if any).

    Args:
        session: for the embedding cache and the passages' details.
        cache: the embedding cache to read and fill; one on ``session`` when ``None``.
        texts: claim texts; a repeated text is embedded once.
        embedder: embeds the claims (through the cache).
        retriever: finds the evidence.
        stance: suggests the verdict from it.
        top_k: evidence passages per claim; at least the stance model's ``depth``, the
            number it was fitted on (the trained model: 10), so that its confidence keeps
            its meaning. Every passage the model read is kept with the claim.
        memory: the reviewed claims, to find each text's past check.
        claim_ids: the stored claim each text is (never its own past check).
    """
    vectors = embedder.embed(texts, cache=cache or DbVectorCache(session))
    found = retriever.retrieve(session, texts, vectors, max(top_k, stance.depth))
    suggestions = [stance.suggest(text, evidence) for text, evidence in zip(texts, found)]
    # After scoring: a model that fell back to another runtime when it loaded says so.
    provenance = Provenance.of(retriever, stance)
    past = memory.nearest(session, vectors, claim_ids, texts) if memory else [None] * len(texts)
    return [
        ScoredClaim(text, suggestion, evidence, provenance, past=before)
        for text, suggestion, evidence, before in zip(texts, suggestions, found, past)
    ]


def newest_passage_id(session: Session) -> int:
    """The highest passage id stored (0 with none): a passage stored later has a higher one,
    since ids are never given again (:func:`~verifier.citations.next_passage_id`)."""
    return int(session.scalar(sa.select(sa.func.max(Passage.id))) or 0)


def claims_reached(
    session: Session,
    embedder: Embedder,
    retriever: Retriever,
    top_k: int,
    after: int,
    chunk: int = 1024,
) -> set[int]:
    """The matched claims (those with a suggested verdict) whose evidence, retrieved again,
    takes in a passage numbered above ``after`` (:func:`newest_passage_id` before sources
    were added): the claims that new sources reach, which matching them again would show.

    Only the search runs again: the claims' vectors come from the embedding cache (one
    missing is embedded, not stored). ``top_k`` is as for :func:`score_texts`."""
    matched = sa.select(Verdict.claim_id).where(Verdict.suggested.is_not(None))
    ids = list(session.scalars(matched.order_by(Verdict.claim_id)))
    cache = DbVectorCache(session, hold=True)  # reading only: the session stays read-only
    reached: set[int] = set()
    for start in range(0, len(ids), chunk):
        rows = claim_texts(session, ids[start : start + chunk])
        texts = [text for _, text in rows]
        found = retriever.retrieve(session, texts, embedder.embed(texts, cache=cache), top_k)
        reached.update(
            claim_id
            for (claim_id, _), evidence in zip(rows, found)
            if any(item.passage_id > after for item in evidence)
        )
    return reached


def claim_ids(
    session: Session, ids: Sequence[int] | None = None, article_id: int | None = None
) -> list[int]:
    """Ids of stored claims, in id order: those given, or all, or one article's."""
    query = sa.select(Claim.id).order_by(Claim.id)
    if ids is not None:
        query = query.where(Claim.id.in_(list(ids)))
    if article_id is not None:
        query = query.where(Claim.article_id == article_id)
    return list(session.scalars(query))


def claim_texts(session: Session, ids: Sequence[int]) -> list[tuple[int, str]]:
    """``(id, text)`` of stored claims, in id order."""
    rows = session.execute(
        sa.select(Claim.id, Claim.text).where(Claim.id.in_(list(ids))).order_by(Claim.id)
    )
    return [(cid, text) for cid, text in rows]


def store_suggestions(session: Session, scored: Sequence[ScoredClaim]) -> None:
    """Replace the stored matches of each scored claim (``claim_id`` set) and its suggestion,
    in a transaction from :meth:`~verifier.db.session.Database.writing`.

    The verdict rows are locked first, as a reviewer's save locks them; the reviewer's label,
    note and evidence are left untouched.
    """
    # Scoring ran in an earlier transaction: a claim or passage deleted since is left out.
    wanted = {result.claim_id for result in scored if result.claim_id is not None}
    ids = _present(session, Claim.id, wanted)
    passages = _present(session, Passage.id, {e.passage_id for r in scored for e in r.evidence})
    session.execute(sa.delete(Match).where(Match.claim_id.in_(ids)))
    verdicts = locked_verdicts(session, list(ids))
    now = datetime.now(UTC)
    for result in scored:
        if result.claim_id not in ids:
            continue
        stances = {s.passage_id: s for s in result.suggestion.stances}
        session.add_all(
            Match(
                claim_id=result.claim_id,
                passage_id=e.passage_id,
                rank=rank,
                score=e.score,
                stance=stances[e.passage_id].stance.value if e.passage_id in stances else None,
                stance_why=_clip(stances[e.passage_id].why) if e.passage_id in stances else None,
            )
            for rank, e in enumerate(
                (e for e in result.evidence if e.passage_id in passages), start=1
            )
        )
        verdict = verdicts[result.claim_id]
        suggestion, provenance = result.suggestion, result.provenance
        verdict.suggested, verdict.confidence = suggestion.label, suggestion.confidence
        verdict.reason, verdict.suggested_at = suggestion.reason, now
        verdict.retriever = provenance.retriever
        verdict.stance_model = provenance.stance_model
        verdict.stance_version = provenance.stance_version


def clear_suggestions(session: Session, claim_ids: Sequence[int]) -> None:
    """Forget the suggestions (and evidence) of these claims: no source is left to match
    them against. A reviewer's label, note and evidence stay."""
    ids = _present(session, Claim.id, set(claim_ids))
    session.execute(sa.delete(Match).where(Match.claim_id.in_(ids)))
    for verdict in locked_verdicts(session, sorted(ids)).values():
        verdict.suggested = verdict.confidence = verdict.reason = verdict.suggested_at = None
        verdict.retriever = verdict.stance_model = verdict.stance_version = None


def _present(session: Session, column: InstrumentedAttribute[int], ids: set[int]) -> set[int]:
    """Those of ``ids`` that ``column`` holds (asked in slices: SQLite caps bound values)."""
    ordered, found = sorted(ids), set[int]()
    for start in range(0, len(ordered), 10_000):
        part = ordered[start : start + 10_000]
        found.update(session.scalars(sa.select(column).where(column.in_(part))))
    return found


def _clip(text: str | None, limit: int = 512) -> str | None:
    """``text`` cut to fit its column."""
    return text if text is None or len(text) <= limit else text[: limit - 1] + "…"
