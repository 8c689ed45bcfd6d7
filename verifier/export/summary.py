"""The opening summary of a verdict report: counts per verdict, article and reviewer, and how
often reviewers agreed with the suggestion.

Computed by the database in grouped queries over the claims a :class:`ReportFilter` picks,
so the summary costs the same whatever the report's length and the report body can still be
streamed after it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.db.models import Article, Claim, Verdict
from verifier.export.report import ReportFilter, relabelled_claims, selected_claims
from verifier.labels import Label

#: How a claim that carries no reviewer verdict is counted (reports made with ``--all``).
NOT_REVIEWED = "not reviewed"


@dataclass(frozen=True)
class ArticleCount:
    """One article's line in the summary."""

    id: int | None  # None: claims scored without an article
    title: str
    claims: int
    verdicts: dict[str, int]


@dataclass(frozen=True)
class ReportSummary:
    """What a report holds, in numbers.

    Attributes:
        claims: claims in the report.
        verdicts: claims per reviewer verdict (:data:`NOT_REVIEWED` for the rest), in
            :class:`Label` order.
        articles: per article, in id order.
        reviewers: reviewed claims per reviewer, most first (then by name).
        compared: reviewed claims that also carry a suggestion, but for suggestions
            accepted in bulk (not read one by one, they say nothing of agreement).
        agreed: of those, the ones where reviewer and suggestion gave the same verdict.
        confusion: (suggested, reviewed) -> count over the compared claims.
        accepted_in_bulk: reviewed claims whose verdict is a suggestion accepted in bulk.
        signed_off: reviewed claims whose verdict an editor signed off as it stands.
        changed: reviewed claims whose verdict changed from one label to another since their
            first (corrections, once published).
        generated_at: when the summary was made (UTC).
    """

    claims: int
    verdicts: dict[str, int]
    articles: list[ArticleCount]
    reviewers: list[tuple[str, int]]
    compared: int
    agreed: int
    confusion: dict[tuple[str, str], int]
    accepted_in_bulk: int = 0
    signed_off: int = 0
    changed: int = 0
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def agreement(self) -> float | None:
        """Share of compared claims where the reviewer kept the suggestion (None: none)."""
        return self.agreed / self.compared if self.compared else None


def report_summary(session: Session, report: ReportFilter) -> ReportSummary:
    """The summary of the claims ``report`` picks, in four small grouped queries (per article
    and verdict, per suggestion and verdict, accepted in bulk and signed off or not, per
    reviewer) and a count of the verdicts changed: their rows grow with the number of
    articles, never with the number of claims."""
    picked = selected_claims(report).order_by(None).subquery()

    def grouped(*columns: Any, where: Any = None) -> list[Any]:
        query = (
            sa.select(*columns, sa.func.count(Claim.id))
            .join(picked, picked.c.id == Claim.id)
            .outerjoin(Verdict, Verdict.claim_id == Claim.id)
            .group_by(*columns)
        )
        return list(session.execute(query if where is None else query.where(where)))

    order = [label.value for label in Label] + [NOT_REVIEWED]
    per_article: dict[int | None, Counter[str]] = {}
    for article_id, label, count in grouped(Claim.article_id, Verdict.label):
        per_article.setdefault(article_id, Counter())[_shown(label)] += count
    titles: dict[int | None, str] = dict(
        session.execute(
            sa.select(Article.id, Article.title).where(
                Article.id.in_(sa.select(Claim.article_id).join(picked, picked.c.id == Claim.id))
            )
        ).all()
    )
    verdicts: Counter[str] = sum(per_article.values(), Counter())
    confusion = {
        (Label(suggested).value, _shown(label)): count
        # A suggestion accepted in bulk was not read: it says nothing of the agreement.
        for suggested, label, count in grouped(
            Verdict.suggested, Verdict.label, where=Verdict.bulk_accepted.is_not(True)
        )
        if suggested is not None and label is not None
    }
    bulk = signed = 0
    for accepted, signed_off, count in grouped(
        Verdict.bulk_accepted, Verdict.signed_off_by.is_not(None), where=Verdict.label.is_not(None)
    ):
        bulk += count if accepted else 0
        signed += count if signed_off else 0
    reviewers = [
        (reviewer or "(unnamed)", count)
        for reviewer, label, count in grouped(Verdict.reviewer, Verdict.label.is_not(None))
        if label
    ]
    changed = session.scalar(
        sa.select(sa.func.count(Verdict.claim_id))
        .join(picked, picked.c.id == Verdict.claim_id)
        .where(Verdict.label.is_not(None), Verdict.claim_id.in_(relabelled_claims()))
    )
    return ReportSummary(
        claims=sum(verdicts.values()),
        verdicts={name: verdicts[name] for name in order if verdicts[name]},
        articles=[
            ArticleCount(
                article_id,
                _title(article_id, titles.get(article_id)),
                sum(counts.values()),
                {name: counts[name] for name in order if counts[name]},
            )
            for article_id, counts in sorted(
                per_article.items(), key=lambda item: (item[0] is None, item[0] or 0)
            )
        ],
        reviewers=sorted(reviewers, key=lambda item: (-item[1], item[0])),
        compared=sum(confusion.values()),
        agreed=sum(count for (suggested, shown), count in confusion.items() if suggested == shown),
        confusion=confusion,
        accepted_in_bulk=bulk,
        signed_off=signed,
        changed=int(changed or 0),
    )


def _shown(label: Label | str | None) -> str:
    return Label(label).value if label is not None else NOT_REVIEWED


def _title(article_id: int | None, title: str | None) -> str:
    if article_id is None:
        return "Claims without an article"
    return title or f"Article {article_id}"
