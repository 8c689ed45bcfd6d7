"""The review queue: every claim across articles, filtered and sorted, a page at a time.

A read model like :mod:`verifier.views`: plain rows built in two queries (the page and the
count), so the queue opens as fast with 10,000 claims as with ten.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.db.models import Article, Assignment, Claim, Verdict
from verifier.labels import Label
from verifier.new_evidence import claims_with_new_evidence
from verifier.text import contains_pattern

Status = Literal["needs review", "reviewed", "to sign off", "new evidence", "all"]
Sort = Literal["check-worthiness", "confidence", "newest"]
STATUSES: tuple[Status, ...] = ("needs review", "reviewed", "to sign off", "new evidence", "all")
#: ``QueueFilter.assigned_to`` for the claims assigned to no one.
NOBODY = ""
SORTS: tuple[Sort, ...] = ("check-worthiness", "confidence", "newest")
Query = TypeVar("Query", bound=sa.Select)  # type: ignore[type-arg]


@dataclass(frozen=True)
class QueueFilter:
    """Which claims the queue shows, and in what order.

    Attributes:
        status: ``needs review`` (no reviewer's verdict yet), ``reviewed``, ``to sign off``
            (reviewed, and the verdict as it stands not signed off: :mod:`verifier.signoffs`),
            ``new evidence`` (reviewed, and evidence in view from a source stored since the
            verdict: :mod:`verifier.new_evidence`) or ``all``.
        suggested: suggested verdicts to keep (all when empty).
        reviewed: reviewers' verdicts to keep (all when empty).
        confidence: the suggestion's confidence range; a claim not matched yet has none and
            is kept only while the range is the whole of 0-1.
        articles: article ids to keep (all when empty).
        reviewer: only claims this reviewer decided.
        assigned_to: only claims assigned to this name (:mod:`verifier.assignments`), or to
            no one (:data:`NOBODY`); ``None`` keeps them all.
        search: words the claim's text contains (case-insensitive, as typed).
        sort: ``check-worthiness`` (highest first), ``confidence`` (least sure first) or
            ``newest``.
    """

    status: Status = "needs review"
    suggested: tuple[Label, ...] = ()
    reviewed: tuple[Label, ...] = ()
    confidence: tuple[float, float] = (0.0, 1.0)
    articles: tuple[int, ...] = ()
    reviewer: str | None = None
    assigned_to: str | None = None
    search: str = ""
    sort: Sort = "check-worthiness"


@dataclass(frozen=True)
class QueueRow:
    """One claim in the queue."""

    claim_id: int
    article_id: int | None
    article: str
    text: str
    checkworthiness: float
    suggested: Label | None
    confidence: float | None
    label: Label | None
    reviewer: str | None
    assigned_to: str | None = None


@dataclass(frozen=True)
class QueuePage:
    """A page of the queue and how many claims the filter keeps in all."""

    rows: list[QueueRow] = field(default_factory=list)
    total: int = 0


def claim_queue(
    session: Session, wanted: QueueFilter, limit: int = 200, offset: int = 0
) -> QueuePage:
    """The claims ``wanted`` keeps, sorted, ``limit`` from ``offset``."""
    query = _filtered(
        sa.select(
            Claim.id,
            Claim.article_id,
            Article.title,
            Claim.text,
            Claim.checkworthiness,
            Verdict.suggested,
            Verdict.confidence,
            Verdict.label,
            Verdict.reviewer,
            Assignment.assigned_to,
        ),
        wanted,
    )
    orders: dict[str, list[Any]] = {
        "check-worthiness": [Claim.checkworthiness.desc(), Claim.id.asc()],
        "confidence": [Verdict.confidence.is_(None), Verdict.confidence.asc(), Claim.id.asc()],
        "newest": [Claim.id.desc()],
    }
    order = orders[wanted.sort]
    rows = session.execute(query.order_by(*order).limit(limit).offset(offset))
    total = session.scalar(_filtered(sa.select(sa.func.count(Claim.id)), wanted)) or 0
    return QueuePage(
        [
            QueueRow(
                claim_id=row.id,
                article_id=row.article_id,
                article=row.title or "(no article)",
                text=row.text,
                checkworthiness=row.checkworthiness,
                suggested=row.suggested,
                confidence=row.confidence,
                label=row.label,
                reviewer=row.reviewer,
                assigned_to=row.assigned_to,
            )
            for row in rows
        ],
        int(total),
    )


def acceptable(
    session: Session, wanted: QueueFilter, min_confidence: float
) -> tuple[int, float | None]:
    """How many claims ``wanted`` keeps have no reviewer's verdict and a suggestion at least
    ``min_confidence`` confident (what :func:`verifier.review.accept_suggestions` takes),
    and the highest confidence among all its claims not reviewed yet (``None``: none)."""
    open_ = _filtered(
        sa.select(
            sa.func.count(Claim.id).filter(Verdict.confidence >= min_confidence),
            sa.func.max(Verdict.confidence),
        ),
        wanted,
    ).where(Verdict.label.is_(None), Verdict.suggested.is_not(None))
    count, surest = session.execute(open_).one()
    return int(count or 0), surest


def signable(session: Session, wanted: QueueFilter, by: str) -> int:
    """How many claims ``wanted`` keeps have a verdict that awaits a sign-off and is not
    ``by``'s own (what :func:`verifier.pipeline.sign_off_claims` signs for a filter)."""
    me = " ".join(by.split())
    query = _filtered(sa.select(Verdict.reviewer), replace(wanted, status="to sign off"))
    return sum(1 for reviewer in session.scalars(query) if " ".join((reviewer or "").split()) != me)


def queue_ids(session: Session, wanted: QueueFilter) -> list[int]:
    """Every claim ``wanted`` keeps, by id (to assign them all, say)."""
    return list(session.scalars(_filtered(sa.select(Claim.id), wanted).order_by(Claim.id)))


def _filtered(query: Query, wanted: QueueFilter) -> Query:
    query = query.select_from(Claim).outerjoin(Verdict, Verdict.claim_id == Claim.id)
    query = query.outerjoin(Article, Article.id == Claim.article_id)
    query = query.outerjoin(Assignment, Assignment.claim_id == Claim.id)
    if wanted.status == "needs review":
        query = query.where(Verdict.label.is_(None))
    elif wanted.status == "reviewed":
        query = query.where(Verdict.label.is_not(None))
    elif wanted.status == "to sign off":
        query = query.where(Verdict.label.is_not(None), Verdict.signed_off_by.is_(None))
    elif wanted.status == "new evidence":
        query = query.where(Verdict.label.is_not(None), Claim.id.in_(claims_with_new_evidence()))
    if wanted.suggested:
        query = query.where(Verdict.suggested.in_(list(wanted.suggested)))
    if wanted.reviewed:
        query = query.where(Verdict.label.in_(list(wanted.reviewed)))
    low, high = wanted.confidence
    if (low, high) != (0.0, 1.0):
        query = query.where(Verdict.confidence.between(low, high))
    if wanted.articles:
        query = query.where(Claim.article_id.in_(list(wanted.articles)))
    if wanted.reviewer:
        query = query.where(Verdict.reviewer == wanted.reviewer)
    if wanted.assigned_to == NOBODY:
        query = query.where(Assignment.assigned_to.is_(None))
    elif wanted.assigned_to is not None:
        query = query.where(Assignment.assigned_to == wanted.assigned_to)
    if wanted.search.strip():
        pattern = contains_pattern(wanted.search.strip())
        query = query.where(Claim.text.ilike(pattern, escape="\\"))
    return query
