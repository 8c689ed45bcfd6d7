"""Read models for the app: plain dataclasses built in a few queries, never ORM rows.

The pages render these; they hold no session and load nothing lazily, so a page can keep them
across reruns and threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.db.models import Article, Claim, Match, Passage, Verdict
from verifier.documents import passages_with_source
from verifier.labels import Label
from verifier.review import Change, histories


@dataclass(frozen=True)
class ArticleSummary:
    """An article in the picker: title and progress."""

    id: int
    title: str
    claims: int
    reviewed: int
    created_at: datetime


@dataclass(frozen=True)
class EvidenceView:
    """One ranked passage stored for a claim, with its source."""

    rank: int
    score: float
    passage_id: int
    text: str
    document: str
    outlet: str | None
    published: str | None
    url: str | None
    uri: str
    stance: str | None = None  # supports / refutes / neutral, as the stance model read it
    stance_why: str | None = None


@dataclass(frozen=True)
class ClaimView:
    """A claim with its suggestion, the reviewer's verdict, evidence and history."""

    id: int
    text: str
    start: int | None
    end: int | None
    checkworthiness: float
    suggested: Label | None = None
    confidence: float | None = None
    reason: str | None = None
    suggested_by: str | None = None
    label: Label | None = None
    reviewer: str | None = None
    note: str | None = None
    relied_on: list[int] = field(default_factory=list)
    evidence: list[EvidenceView] = field(default_factory=list)
    history: list[Change] = field(default_factory=list)

    @property
    def reviewed(self) -> bool:
        return self.label is not None

    @property
    def shown(self) -> Label:
        """The label to show: the reviewer's once reviewed, else the suggestion."""
        return self.label or self.suggested or Label.UNVERIFIED


def list_articles(session: Session) -> list[ArticleSummary]:
    """Stored articles, newest first, with their claim and review counts."""
    claims = (
        sa.select(
            Claim.article_id,
            sa.func.count(Claim.id).label("claims"),
            sa.func.count(Verdict.label).label("reviewed"),
        )
        .outerjoin(Verdict, Verdict.claim_id == Claim.id)
        .group_by(Claim.article_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(Article.id, Article.title, Article.created_at, claims.c.claims, claims.c.reviewed)
        .outerjoin(claims, claims.c.article_id == Article.id)
        .order_by(Article.id.desc())
    )
    return [
        ArticleSummary(row.id, row.title, row.claims or 0, row.reviewed or 0, row.created_at)
        for row in rows
    ]


def list_reviewers(session: Session) -> list[str]:
    """Everyone who has a verdict on record, by name."""
    return sorted(name for name in session.scalars(sa.select(Verdict.reviewer).distinct()) if name)


def article_claims(session: Session, article_id: int) -> list[ClaimView]:
    """An article's claims in reading order, each with verdict, ranked evidence and history."""
    return _claim_views(session, Claim.article_id == article_id)


def claim_view(session: Session, claim_id: int) -> ClaimView | None:
    """One claim with its verdict, ranked evidence and history (``None``: no such claim)."""
    found = _claim_views(session, Claim.id == claim_id)
    return found[0] if found else None


@dataclass(frozen=True)
class InContext:
    """A claim as it stands in its article: the article's title and the text around it."""

    article_id: int
    title: str
    before: str
    claim: str
    after: str


def claim_in_article(session: Session, claim_id: int, around: int = 400) -> InContext | None:
    """The claim's sentence inside its paragraph of the article (up to ``around`` characters
    either side), or ``None`` for a claim with no article or no known place in it."""
    row = session.execute(
        sa.select(Claim.start, Claim.end, Article.id, Article.title, Article.text)
        .join(Article, Article.id == Claim.article_id)
        .where(Claim.id == claim_id)
    ).one_or_none()
    if row is None or row.start is None or row.end is None:
        return None
    text, start, end = row.text, row.start, row.end
    paragraph = text.rfind("\n\n", 0, start)
    begin = max(0 if paragraph == -1 else paragraph + 2, start - around)
    stop = text.find("\n\n", end)
    stop = min(stop if stop != -1 else len(text), end + around)
    return InContext(
        row.id, row.title, text[begin:start].lstrip(), text[start:end], text[end:stop].rstrip()
    )


def _claim_views(session: Session, where: sa.ColumnElement[bool]) -> list[ClaimView]:
    rows = session.execute(
        sa.select(Claim, Verdict)
        .outerjoin(Verdict, Verdict.claim_id == Claim.id)
        .where(where)
        .order_by(Claim.start, Claim.id)
    ).all()
    ids = [claim.id for claim, _ in rows]
    evidence = _evidence(session, ids)
    changes = histories(session, ids)
    views = []
    for claim, verdict in rows:
        provenance = None
        if verdict is not None and verdict.stance_model:
            provenance = f"{verdict.retriever} + {verdict.stance_model} {verdict.stance_version}"
        views.append(
            ClaimView(
                id=claim.id,
                text=claim.text,
                start=claim.start,
                end=claim.end,
                checkworthiness=claim.checkworthiness,
                suggested=verdict.suggested if verdict else None,
                confidence=verdict.confidence if verdict else None,
                reason=verdict.reason if verdict else None,
                suggested_by=provenance,
                label=verdict.label if verdict else None,
                reviewer=verdict.reviewer if verdict else None,
                note=verdict.note if verdict else None,
                relied_on=list(verdict.evidence or []) if verdict else [],
                evidence=evidence.get(claim.id, []),
                history=changes.get(claim.id, []),
            )
        )
    return views


def _evidence(session: Session, claim_ids: list[int]) -> dict[int, list[EvidenceView]]:
    found: dict[int, list[EvidenceView]] = {}
    rows = session.execute(
        passages_with_source()
        .add_columns(Match.claim_id, Match.rank, Match.score, Match.stance, Match.stance_why)
        .join(Match, Match.passage_id == Passage.id)
        .where(Match.claim_id.in_(claim_ids))
        .order_by(Match.claim_id, Match.rank)
    )
    for row in rows:
        found.setdefault(row.claim_id, []).append(
            EvidenceView(
                rank=row.rank,
                score=row.score,
                passage_id=row.id,
                text=row.text,
                document=row.title,
                outlet=row.outlet,
                published=row.published.isoformat() if row.published else None,
                url=row.url,
                uri=row.uri,
                stance=row.stance,
                stance_why=row.stance_why,
            )
        )
    return found
