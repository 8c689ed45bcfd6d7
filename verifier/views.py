"""Read models for the app: plain dataclasses built in a few queries, never ORM rows.

The pages render these; they hold no session and load nothing lazily, so a page can keep them
across reruns and threads.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.assignments import Assigned, assignments
from verifier.citations import CitedPassage, cited_passages, passages_with_source
from verifier.copies import copies
from verifier.db.models import Article, Claim, Document, Match, Passage, Verdict, as_utc
from verifier.labels import Label
from verifier.match import Provenance
from verifier.new_evidence import in_view, newer
from verifier.ocr import READ_BY_OCR
from verifier.outlets import find_label, labels_for
from verifier.review import Change, histories
from verifier.sentences import Span, paragraphs, sentences


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
    #: When the source's current text was stored (to tell evidence newer than the verdict).
    ingested_at: datetime | None = None
    #: The desk's label for the outlet, and its note (:mod:`verifier.outlets`).
    outlet_label: str | None = None
    outlet_note: str | None = None
    #: The rank of a higher-ranked passage from another source that this one repeats (the
    #: same wire copy: not independent corroboration; :mod:`verifier.copies`).
    copy_of: int | None = None
    #: Its source is a scan read by OCR (:mod:`verifier.ocr`): check quotes against it.
    scanned: bool = False

    @property
    def in_view(self) -> bool:
        """Shown unfolded: relevant enough, or read as supporting or refuting the claim."""
        return in_view(self.score, self.stance)


@dataclass(frozen=True)
class ClaimView:
    """A claim with its suggestion, the reviewer's verdict, evidence and history."""

    id: int
    text: str
    start: int | None
    end: int | None
    checkworthiness: float
    #: Where a claim of a desk's list was seen (a post, a video), who made it and when.
    appearance_url: str | None = None
    appearance_author: str | None = None
    appearance_date: date | None = None
    #: The other columns of a listed claim's row in its file, by name.
    row_fields: dict[str, str] = field(default_factory=dict)
    suggested: Label | None = None
    confidence: float | None = None
    reason: str | None = None
    #: Which retriever and stance model (and version) made the suggestion.
    suggested_by: Provenance | None = None
    label: Label | None = None
    reviewer: str | None = None
    note: str | None = None
    relied_on: list[int] = field(default_factory=list)
    #: The passages the reviewer relied on, in the order cited; a removed source's passage
    #: is quoted as it was (``removed=True``).
    cited: list[CitedPassage] = field(default_factory=list)
    evidence: list[EvidenceView] = field(default_factory=list)
    history: list[Change] = field(default_factory=list)
    #: Who is to check the claim, if anyone (:mod:`verifier.assignments`).
    assigned: Assigned | None = None
    #: The editor who signed off the verdict as it stands, and when (:mod:`verifier.signoffs`).
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None

    @property
    def reviewed(self) -> bool:
        return self.label is not None

    @property
    def shown(self) -> Label:
        """The label to show: the reviewer's once reviewed, else the suggestion."""
        return self.label or self.suggested or Label.UNVERIFIED

    @property
    def new_evidence(self) -> list[EvidenceView]:
        """The passages in view from sources stored after the verdict was last given
        (:mod:`verifier.new_evidence`): a reason to read the verdict again."""
        if self.label is None or not self.history:
            return []
        since = self.history[-1].changed_at
        return [e for e in self.evidence if e.in_view and newer(e.ingested_at, since)]


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


def article_claims(
    session: Session, article_id: int, limit: int | None = None, offset: int = 0
) -> list[ClaimView]:
    """An article's claims in reading order (``limit`` of them from ``offset``; all when
    ``None``), each with verdict, ranked evidence and history."""
    return _claim_views(session, Claim.article_id == article_id, limit, offset)


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


def _claim_views(
    session: Session, where: sa.ColumnElement[bool], limit: int | None = None, offset: int = 0
) -> list[ClaimView]:
    rows = session.execute(
        sa.select(Claim, Verdict)
        .outerjoin(Verdict, Verdict.claim_id == Claim.id)
        .where(where)
        .order_by(Claim.start, Claim.id)
        .limit(limit)
        .offset(offset)
    ).all()
    ids = [claim.id for claim, _ in rows]
    evidence = _evidence(session, ids)
    changes = histories(session, ids)
    assigned = assignments(session, ids)
    quoted = cited_passages(
        session, {pid for _, verdict in rows if verdict for pid in verdict.evidence or []}
    )
    views = []
    for claim, verdict in rows:
        relied = list(verdict.evidence or []) if verdict else []
        provenance = None
        if verdict is not None and verdict.stance_model:
            provenance = Provenance(
                verdict.retriever or "", verdict.stance_model, verdict.stance_version or ""
            )
        views.append(
            ClaimView(
                id=claim.id,
                text=claim.text,
                start=claim.start,
                end=claim.end,
                checkworthiness=claim.checkworthiness,
                appearance_url=claim.appearance_url,
                appearance_author=claim.appearance_author,
                appearance_date=claim.appearance_date,
                row_fields=dict(claim.row_fields or {}),
                suggested=verdict.suggested if verdict else None,
                confidence=verdict.confidence if verdict else None,
                reason=verdict.reason if verdict else None,
                suggested_by=provenance,
                label=verdict.label if verdict else None,
                reviewer=verdict.reviewer if verdict else None,
                note=verdict.note if verdict else None,
                relied_on=relied,
                cited=[quoted[pid] for pid in relied if pid in quoted],
                evidence=evidence.get(claim.id, []),
                history=changes.get(claim.id, []),
                assigned=assigned.get(claim.id),
                signed_off_by=verdict.signed_off_by if verdict else None,
                signed_off_at=(
                    as_utc(verdict.signed_off_at) if verdict and verdict.signed_off_at else None
                ),
            )
        )
    return views


def _evidence(session: Session, claim_ids: list[int]) -> dict[int, list[EvidenceView]]:
    found: dict[int, list[EvidenceView]] = {}
    rows = session.execute(
        passages_with_source()
        .add_columns(
            Match.claim_id,
            Match.rank,
            Match.score,
            Match.stance,
            Match.stance_why,
            Document.ingested_at,
            Document.format,
        )
        .join(Match, Match.passage_id == Passage.id)
        .where(Match.claim_id.in_(claim_ids))
        .order_by(Match.claim_id, Match.rank)
    ).all()
    labels = labels_for(session, (row.outlet for row in rows))
    for row in rows:
        label = find_label(labels, row.outlet, row.url)
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
                ingested_at=row.ingested_at,
                outlet_label=label.label if label else None,
                outlet_note=label.note if label else None,
                scanned=row.format in READ_BY_OCR,
            )
        )
    for claim_id, items in found.items():
        originals = copies([item.text for item in items], [item.uri for item in items])
        found[claim_id] = [
            item if original is None else replace(item, copy_of=items[original].rank)
            for item, original in zip(items, originals, strict=True)
        ]
    return found


@dataclass(frozen=True)
class PageClaim:
    """A claim on a page of its article: where it stands, and where its review is."""

    id: int
    text: str
    start: int
    end: int
    checkworthiness: float
    suggested: Label | None
    label: Label | None


@dataclass(frozen=True)
class ArticlePage:
    """One page of an article: a run of whole paragraphs, the claims in them, and the
    sentences there that are not claims yet (for picking by hand)."""

    id: int
    title: str
    language: str
    url: str | None
    outlet: str | None
    author: str | None
    published: str | None
    claims_total: int
    reviewed_total: int
    page: int
    pages: int
    start: int
    text: str  # the article's text from ``start``: offsets on the page are start + i
    claims: list[PageClaim]
    sentences: list[Span]


#: A page holds this many paragraphs, or fewer once it holds this many claims.
PAGE_PARAGRAPHS, PAGE_CLAIMS = 20, 25


def article_page(session: Session, article_id: int, page: int = 1) -> ArticlePage | None:
    """Page ``page`` (from 1; clamped) of an article, ``None`` for no such article. Costs
    the same for an article of 600 claims as for one of 10: one page is read in full."""
    article = session.get(Article, article_id)
    if article is None:
        return None
    starts = list(
        session.scalars(
            sa.select(Claim.start).where(Claim.article_id == article_id).order_by(Claim.start)
        )
    )
    reviewed = session.scalar(
        sa.select(sa.func.count(Verdict.label))
        .join(Claim, Claim.id == Verdict.claim_id)
        .where(Claim.article_id == article_id)
    )
    bounds = _page_bounds(paragraphs(article.text), [s for s in starts if s is not None])
    page = min(max(page, 1), len(bounds))
    begin, stop = bounds[page - 1]
    rows = session.execute(
        sa.select(Claim, Verdict.suggested, Verdict.label)
        .outerjoin(Verdict, Verdict.claim_id == Claim.id)
        .where(Claim.article_id == article_id, Claim.start >= begin, Claim.start < stop)
        .order_by(Claim.start, Claim.id)
    ).all()
    claims = [
        PageClaim(c.id, c.text, c.start, c.end, c.checkworthiness, suggested, label)
        for c, suggested, label in rows
        if c.start is not None and c.end is not None
    ]
    taken = [(c.start, c.end) for c in claims]
    text = article.text[begin:stop]
    language = article.language or "en"
    free = [
        Span(begin + s.start, begin + s.end, s.text)
        for s in sentences(text, language)
        if not any(begin + s.start < end and start < begin + s.end for start, end in taken)
    ]
    return ArticlePage(
        id=article.id,
        title=article.title,
        language=language,
        url=article.url,
        outlet=article.outlet,
        author=article.author,
        published=article.published.isoformat() if article.published else None,
        claims_total=len(starts),
        reviewed_total=int(reviewed or 0),
        page=page,
        pages=len(bounds),
        start=begin,
        text=text,
        claims=claims,
        sentences=free,
    )


def _page_bounds(blocks: list[Span], starts: list[int]) -> list[tuple[int, int]]:
    """``(start, end)`` of each page: whole paragraphs, at most PAGE_PARAGRAPHS of them and
    at most PAGE_CLAIMS claims (unless one paragraph holds more: it is never split)."""
    if not blocks:
        return [(0, 0)]
    pages: list[tuple[int, int]] = []
    first, count, claims = blocks[0].start, 0, 0
    for block in blocks:
        held = bisect_left(starts, block.end) - bisect_left(starts, block.start)
        if count and (count >= PAGE_PARAGRAPHS or claims + held > PAGE_CLAIMS):
            pages.append((first, block.start))
            first, count, claims = block.start, 0, 0
        count += 1
        claims += held
    pages.append((first, blocks[-1].end))
    return pages
