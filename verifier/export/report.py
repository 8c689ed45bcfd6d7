"""Verdict reports: one record per claim, selected by :class:`ReportFilter`, read in chunks.

A record holds what a desk publishes about a claim: the article it comes from, the claim
with its offsets and the sentence around it (and, for a claim of a desk's list, where it was
seen and the other columns of its row in the file, ``row_fields``), the suggestion and its
provenance, who the claim is assigned to, the reviewer's verdict, note and time, when the
claim got its first verdict and, when the verdict changed since (a correction, once
published), what it was before and when it changed, the evidence the reviewer relied on,
and the number of changes in its history.
:data:`REPORT_FIELDS` and :data:`REPORT_EVIDENCE_FIELDS` name them in output order; the JSON
Lines and Parquet files are this contract (a test pins it).

:func:`report_records` never holds more than one chunk of claims: it reads the ids that
match the filter, then their rows :data:`CHUNK` at a time, so a 100,000-claim export stays
in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.citations import cited_passages
from verifier.copies import copies
from verifier.db.models import (
    Article,
    Assignment,
    Claim,
    Match,
    Verdict,
    VerdictChange,
    as_utc,
)
from verifier.labels import Label
from verifier.outlets import label_of, labels_for
from verifier.sentences import Span, sentences

CHUNK = 500

#: Fields of a report record, in output order.
REPORT_FIELDS = (
    "claim_id",
    "article_id",
    "article_title",
    "article_url",
    "article_outlet",
    "article_author",
    "article_date",
    "factcheck_url",
    "claim",
    "appearance_url",
    "appearance_author",
    "appearance_date",
    "row_fields",
    "start",
    "end",
    "sentence",
    "suggested_verdict",
    "confidence",
    "reason",
    "retriever",
    "stance_model",
    "stance_version",
    "suggested_at",
    "assigned_to",
    "verdict",
    "reviewer",
    "reviewed_at",
    "first_reviewed_at",
    "previous_verdict",
    "verdict_changed_at",
    "accepted_in_bulk",
    "signed_off_by",
    "signed_off_at",
    "note",
    "evidence",
    "history_entries",
)
#: Fields of each piece of evidence the reviewer relied on (a report's ``evidence``).
REPORT_EVIDENCE_FIELDS = (
    "passage_id",
    "quote",
    "document",
    "outlet",
    "outlet_label",
    "date",
    "url",
    "similarity",
    "source_removed",
    "copy_of",
)

_EVIDENCE_TYPE = pa.struct(
    [
        ("passage_id", pa.int64()),
        ("quote", pa.string()),
        ("document", pa.string()),
        ("outlet", pa.string()),
        ("outlet_label", pa.string()),
        ("date", pa.string()),
        ("url", pa.string()),
        ("similarity", pa.float64()),
        ("source_removed", pa.bool_()),
        ("copy_of", pa.int64()),
    ]
)
_TYPES = {
    "claim_id": pa.int64(),
    "article_id": pa.int64(),
    "start": pa.int64(),
    "end": pa.int64(),
    "confidence": pa.float64(),
    "evidence": pa.list_(_EVIDENCE_TYPE),
    "history_entries": pa.int64(),
    "accepted_in_bulk": pa.bool_(),
    "row_fields": pa.map_(pa.string(), pa.string()),
}
#: The Parquet schema of a report: every field of :data:`REPORT_FIELDS`, text unless typed
#: above (dates and times as ISO 8601 text, as in JSON Lines).
REPORT_SCHEMA = pa.schema([(name, _TYPES.get(name, pa.string())) for name in REPORT_FIELDS])


@dataclass(frozen=True)
class ReportFilter:
    """Which claims a report holds.

    Attributes:
        articles: only these article ids (all when empty).
        reviewer: only verdicts by this reviewer (exact name).
        verdicts: only these reviewer verdicts; with ``reviewed_only=False``, a claim not
            reviewed yet is kept when its suggestion is one of them.
        since, until: reviewed on or after / on or before these days (UTC).
        reviewed_only: only claims a reviewer has decided (the default); ``False`` adds
            claims that carry only a suggestion, or nothing yet.
        min_confidence: only claims whose suggestion is at least this confident.
        assigned_to: only claims assigned to this reviewer (:mod:`verifier.assignments`).
        signed_off_only: only verdicts an editor signed off as they stand
            (:mod:`verifier.signoffs`).
        changed_only: only verdicts that changed from one label to another since first
            given: the corrections, once published.
    """

    articles: tuple[int, ...] = ()
    reviewer: str | None = None
    verdicts: tuple[Label, ...] = ()
    since: date | None = None
    until: date | None = None
    reviewed_only: bool = True
    min_confidence: float | None = None
    assigned_to: str | None = None
    signed_off_only: bool = False
    changed_only: bool = False


def relabelled_claims() -> sa.Select[Any]:
    """The ids of the claims whose verdict changed from one label to another (a correction,
    once published): a history entry with a label before it, and another label after."""
    return sa.select(VerdictChange.claim_id).where(*_relabelling())


def _relabelling() -> tuple[sa.ColumnElement[bool], ...]:
    """A history entry that changed the verdict from one label to another."""
    return (
        VerdictChange.from_label.is_not(None),
        VerdictChange.from_label != VerdictChange.to_label,
    )


def review_history(ids: Sequence[int] | None = None) -> sa.Subquery:
    """Per claim (of ``ids``, or all): how many verdict changes, and when the first and the
    last were made."""
    query = sa.select(
        VerdictChange.claim_id,
        sa.func.count(VerdictChange.id).label("entries"),
        sa.func.min(VerdictChange.changed_at).label("first_at"),
        sa.func.max(VerdictChange.changed_at).label("reviewed_at"),
    )
    if ids is not None:
        query = query.where(VerdictChange.claim_id.in_(ids))
    return query.group_by(VerdictChange.claim_id).subquery()


def selected_claims(report: ReportFilter) -> sa.Select[Any]:
    """The ids of the claims ``report`` picks, by article and reading order."""
    query = sa.select(Claim.id).outerjoin(Verdict, Verdict.claim_id == Claim.id)
    if report.reviewed_only:
        query = query.where(Verdict.label.is_not(None))
    if report.articles:
        query = query.where(Claim.article_id.in_(report.articles))
    if report.reviewer:
        query = query.where(Verdict.reviewer == report.reviewer)
    if report.verdicts:
        shown = sa.func.coalesce(Verdict.label, Verdict.suggested)
        query = query.where(shown.in_([str(label) for label in report.verdicts]))
    if report.since or report.until:  # the day of the last change
        history = review_history()
        query = query.outerjoin(history, history.c.claim_id == Claim.id)
        if report.since:
            query = query.where(history.c.reviewed_at >= _utc(report.since))
        if report.until:
            query = query.where(history.c.reviewed_at < _utc(report.until + timedelta(days=1)))
    if report.min_confidence is not None:
        query = query.where(Verdict.confidence >= report.min_confidence)
    if report.signed_off_only:
        query = query.where(Verdict.label.is_not(None), Verdict.signed_off_by.is_not(None))
    if report.changed_only:
        query = query.where(Verdict.label.is_not(None), Claim.id.in_(relabelled_claims()))
    if report.assigned_to:
        query = query.join(Assignment, Assignment.claim_id == Claim.id).where(
            Assignment.assigned_to == report.assigned_to
        )
    return query.order_by(Claim.article_id, Claim.start, Claim.id)


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def report_records(session: Session, report: ReportFilter) -> Iterator[dict[str, object]]:
    """The report records ``report`` selects, by article and reading order, a chunk at a time."""
    ids: list[int] = list(session.scalars(selected_claims(report)))
    for start in range(0, len(ids), CHUNK):
        yield from _records(session, ids[start : start + CHUNK])


def _records(session: Session, ids: Sequence[int]) -> Iterator[dict[str, object]]:
    history = review_history(ids)
    rows = session.execute(
        sa.select(
            Claim,
            Verdict,
            Article,
            history.c.entries,
            history.c.first_at,
            history.c.reviewed_at,
            Assignment.assigned_to,
        )
        .outerjoin(Verdict, Verdict.claim_id == Claim.id)
        .outerjoin(Article, Article.id == Claim.article_id)
        .outerjoin(history, history.c.claim_id == Claim.id)
        .outerjoin(Assignment, Assignment.claim_id == Claim.id)
        .where(Claim.id.in_(ids))
        .order_by(Claim.article_id, Claim.start, Claim.id)
    ).all()
    reviews: dict[int, Verdict] = {
        claim.id: verdict
        for claim, verdict, *_ in rows
        if verdict is not None and verdict.label is not None
    }
    relied = {claim_id: list(verdict.evidence or []) for claim_id, verdict in reviews.items()}
    evidence = _evidence(session, relied)
    changed = verdict_changes(session, list(reviews))
    for claim, verdict, article, entries, first_at, reviewed_at, assigned_to in rows:
        review = reviews.get(claim.id)
        change = changed.get(claim.id)
        record: dict[str, object] = {
            "claim_id": claim.id,
            "article_id": claim.article_id,
            "article_title": article.title if article else None,
            "article_url": article.url if article else None,
            "article_outlet": article.outlet if article else None,
            "article_author": article.author if article else None,
            "article_date": _day(article.published if article else None),
            "factcheck_url": article.factcheck_url if article else None,
            "claim": claim.text,
            "appearance_url": claim.appearance_url,
            "appearance_author": claim.appearance_author,
            "appearance_date": _day(claim.appearance_date),
            "row_fields": claim.row_fields or None,
            "start": claim.start,
            "end": claim.end,
            "sentence": _sentence(article.text, claim.start, claim.end) if article else claim.text,
            "suggested_verdict": _label(verdict.suggested if verdict else None),
            "confidence": verdict.confidence if verdict else None,
            "reason": verdict.reason if verdict else None,
            "retriever": verdict.retriever if verdict else None,
            "stance_model": verdict.stance_model if verdict else None,
            "stance_version": verdict.stance_version if verdict else None,
            "suggested_at": _when(verdict.suggested_at if verdict else None),
            "assigned_to": assigned_to,
            "verdict": _label(review.label if review else None),
            "reviewer": review.reviewer if review else None,
            "reviewed_at": _when(reviewed_at) if review else None,
            "first_reviewed_at": _when(first_at) if review else None,
            "previous_verdict": _label(change.from_label) if change else None,
            "verdict_changed_at": _when(change.changed_at) if change else None,
            # the suggestion saved unread (verifier review --accept-above), until a reviewer
            # saves the claim one by one
            "accepted_in_bulk": bool(review.bulk_accepted) if review else None,
            "signed_off_by": review.signed_off_by if review else None,
            "signed_off_at": _when(review.signed_off_at) if review else None,
            "note": review.note if review else None,
            "evidence": _marked_copies(
                [
                    evidence[(claim.id, pid)]
                    for pid in relied.get(claim.id, [])
                    if (claim.id, pid) in evidence
                ]
            ),
            "history_entries": int(entries or 0),
        }
        yield record


def verdict_changes(session: Session, ids: Sequence[int]) -> dict[int, VerdictChange]:
    """Per claim of ``ids`` whose verdict ever changed from one label to another, the latest
    such change (its ``from_label`` is the verdict before the one that stands)."""
    query = (
        sa.select(VerdictChange)
        .where(VerdictChange.claim_id.in_(ids), *_relabelling())
        .order_by(VerdictChange.id)
    )
    return {change.claim_id: change for change in session.scalars(query)} if ids else {}


def _evidence(
    session: Session, relied: dict[int, list[int]]
) -> dict[tuple[int, int], dict[str, object]]:
    """The cited passages of each claim, keyed by (claim id, passage id); a passage whose
    source was removed since is quoted as it was kept, with ``source_removed`` set."""
    quoted = cited_passages(session, {pid for pids in relied.values() for pid in pids})
    if not quoted:
        return {}
    scores = {  # by claim only: the claim index finds a chunk's few matches at once
        (row.claim_id, row.passage_id): row.score
        for row in session.execute(
            sa.select(Match.claim_id, Match.passage_id, Match.score).where(
                Match.claim_id.in_(list(relied))
            )
        )
    }
    labels = labels_for(session, (cited.outlet for cited in quoted.values()))
    found: dict[tuple[int, int], dict[str, object]] = {}
    for claim_id, pids in relied.items():
        for pid in pids:
            cited = quoted.get(pid)
            if cited is None:  # removed before removed sources' citations were kept
                continue
            score = scores.get((claim_id, pid))
            found[(claim_id, pid)] = {
                "passage_id": pid,
                "quote": cited.text,
                "document": cited.title,
                "outlet": cited.outlet,
                "outlet_label": label_of(labels, cited.outlet, cited.url),
                "date": _day(cited.published),
                "url": cited.url or cited.uri,
                "similarity": None if score is None else round(float(score), 4),
                "source_removed": cited.removed,
            }
    return found


def _marked_copies(cited: list[dict[str, object]]) -> list[dict[str, object]]:
    """The passages a verdict relied on, each with ``copy_of``: the passage id of one cited
    before it, from another source, that it repeats (the same wire copy: one source's word,
    not two; :mod:`verifier.copies`), else ``None``."""
    originals = copies([str(item["quote"]) for item in cited], [str(item["url"]) for item in cited])
    return [
        {**item, "copy_of": None if original is None else cited[original]["passage_id"]}
        for item, original in zip(cited, originals, strict=True)
    ]


def _sentence(text: str, start: int | None, end: int | None) -> str:
    """The sentence(s) of the article that hold ``text[start:end]``."""
    if start is None or end is None:
        return ""
    spans = [s for s in _sentences(text) if s.start < end and s.end > start]
    if not spans:
        return text[start:end]
    return text[spans[0].start : spans[-1].end]


@lru_cache(maxsize=4)
def _sentences(text: str) -> tuple[Span, ...]:
    # Records come by article, so each article is split once while its claims are written.
    return tuple(sentences(text))


def _label(value: Label | None) -> str | None:
    return None if value is None else Label(value).value


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _when(value: datetime | None) -> str | None:
    return as_utc(value).isoformat(timespec="seconds") if value else None
