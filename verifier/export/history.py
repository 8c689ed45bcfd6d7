"""The histories of a report's claims, one row per change: the audit trails a standards
editor or a reader's complaint asks for.

- :data:`VERDICTS`: who gave which verdict when, from what, with which note and evidence,
  and which editor signed it off;
- :data:`ASSIGNMENTS`: who handed each claim from whom to whom, and when (who had a claim to
  check while it waited, and who took it back).

The claims are those a :class:`~verifier.export.report.ReportFilter` picks, as for the report;
every change of each is listed, oldest first, claim by claim in the report's order (by
article and reading order). A trail's ``fields`` name a row's fields in output order; the
JSON Lines and Parquet files are this contract (a test pins it).

The readable forms (HTML and Markdown, :func:`~verifier.export.document.write_history`)
read the same rows with ``quoted=True``: each verdict change then also carries ``cited``,
the passages it relied on as quotes with their source, kept when the source was removed
(:func:`~verifier.citations.cited_passages`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.citations import CitedPassage, cited_passages
from verifier.db.models import (
    Article,
    AssignmentChange,
    Claim,
    SignOff,
    VerdictChange,
    as_utc,
)
from verifier.export.report import CHUNK, ReportFilter, selected_claims
from verifier.labels import Label

#: The fields every history row opens with (:func:`_change`): which change, of which claim,
#: when and by whom.
_CHANGE_FIELDS = (
    "change_id",
    "claim_id",
    "article_id",
    "article_title",
    "claim",
    "changed_at",
    "changed_by",
)
#: Fields of a verdict history row, in output order.
HISTORY_FIELDS = (
    *_CHANGE_FIELDS,
    "from_verdict",
    "to_verdict",
    "note",
    "evidence",
    "signed_off_by",
    "signed_off_at",
)
#: Fields of an assignment history row, in output order (``None``: nobody had the claim).
ASSIGNMENT_FIELDS = (*_CHANGE_FIELDS, "from_assignee", "to_assignee")
_TYPES = {
    "change_id": pa.int64(),
    "claim_id": pa.int64(),
    "article_id": pa.int64(),
    "evidence": pa.list_(pa.int64()),
}


def _schema(fields: Sequence[str]) -> pa.Schema:
    """Text unless typed above (times as ISO 8601 text)."""
    return pa.schema([(name, _TYPES.get(name, pa.string())) for name in fields])


#: The Parquet schema of the verdict history.
HISTORY_SCHEMA = _schema(HISTORY_FIELDS)

Rows = Callable[[Session, Sequence[int]], Iterator[dict[str, object]]]


@dataclass(frozen=True)
class Trail:
    """One history the claims keep: its name in messages, its row fields and Parquet schema,
    and how the rows of some claims are read (oldest first, claim by claim)."""

    name: str
    fields: tuple[str, ...]
    schema: pa.Schema
    rows: Rows
    changes: type[VerdictChange] | type[AssignmentChange]  # the table of its rows


@dataclass(frozen=True)
class HistoryTotals:
    """How much of a trail the claims a report picks hold: changes, of how many claims, in
    how many articles."""

    changes: int
    claims: int
    articles: int


def history_totals(session: Session, report: ReportFilter, trail: Trail) -> HistoryTotals:
    """The :class:`HistoryTotals` of ``trail`` for the claims ``report`` picks (one query)."""
    picked = selected_claims(report).order_by(None).subquery()
    table = trail.changes
    changes, claims, articles = session.execute(
        sa.select(
            sa.func.count(table.id),
            sa.func.count(sa.distinct(table.claim_id)),
            sa.func.count(sa.distinct(Claim.article_id)),
        )
        .join(picked, picked.c.id == table.claim_id)
        .join(Claim, Claim.id == table.claim_id)
    ).one()
    return HistoryTotals(changes or 0, claims or 0, articles or 0)


def history_count(session: Session, report: ReportFilter, trail: Trail) -> int:
    """How many changes ``trail`` holds of the claims ``report`` picks (one count query, no
    distinct counts: the Exports page asks it of each trail at every rerun)."""
    picked = selected_claims(report).order_by(None).subquery()
    table = trail.changes
    count = sa.select(sa.func.count(table.id)).join(picked, picked.c.id == table.claim_id)
    return session.scalar(count) or 0


def history_records(
    session: Session, report: ReportFilter, trail: Trail | None = None, *, quoted: bool = False
) -> Iterator[dict[str, object]]:
    """Every change in ``trail`` (the verdict history unless given) of the claims ``report``
    picks, a chunk of claims at a time. With ``quoted``, each row that names evidence also
    carries ``cited``: those passages as :class:`~verifier.citations.CitedPassage`, in the
    order cited, and ``uncited``: the ids of any no longer held."""
    read = (trail or VERDICTS).rows
    ids: list[int] = list(session.scalars(selected_claims(report)))
    for start in range(0, len(ids), CHUNK):
        rows = read(session, ids[start : start + CHUNK])
        yield from _quoted(session, list(rows)) if quoted else rows


def _quoted(session: Session, rows: list[dict[str, object]]) -> Iterator[dict[str, object]]:
    named = {pid for row in rows for pid in _evidence(row)}
    passages = cited_passages(session, named)
    for row in rows:
        ids = _evidence(row)
        cited: list[CitedPassage] = [passages[pid] for pid in ids if pid in passages]
        yield {**row, "cited": cited, "uncited": [pid for pid in ids if pid not in passages]}


def _evidence(row: dict[str, object]) -> list[int]:
    ids = row.get("evidence")
    return list(ids) if isinstance(ids, list) else []


def _verdict_rows(session: Session, ids: Sequence[int]) -> Iterator[dict[str, object]]:
    query = (
        sa.select(VerdictChange, Claim.text, Claim.article_id, Article.title, SignOff)
        .join(Claim, Claim.id == VerdictChange.claim_id)
        .outerjoin(Article, Article.id == Claim.article_id)
        .outerjoin(SignOff, SignOff.change_id == VerdictChange.id)
        .where(VerdictChange.claim_id.in_(ids))
        .order_by(Claim.article_id, Claim.start, Claim.id, VerdictChange.id)
    )
    for change, claim, article_id, title, signed in session.execute(query):
        yield {
            **_change(change, claim, article_id, title),
            "from_verdict": None if change.from_label is None else Label(change.from_label).value,
            "to_verdict": Label(change.to_label).value,
            "note": change.note,
            "evidence": [int(passage_id) for passage_id in change.evidence or []],
            "signed_off_by": signed.signed_by if signed else None,
            "signed_off_at": _when(signed.signed_at) if signed else None,
        }


def _assignment_rows(session: Session, ids: Sequence[int]) -> Iterator[dict[str, object]]:
    query = (
        sa.select(AssignmentChange, Claim.text, Claim.article_id, Article.title)
        .join(Claim, Claim.id == AssignmentChange.claim_id)
        .outerjoin(Article, Article.id == Claim.article_id)
        .where(AssignmentChange.claim_id.in_(ids))
        .order_by(Claim.article_id, Claim.start, Claim.id, AssignmentChange.id)
    )
    for change, claim, article_id, title in session.execute(query):
        yield {
            **_change(change, claim, article_id, title),
            "from_assignee": change.from_name,
            "to_assignee": change.to_name,
        }


def _change(
    change: VerdictChange | AssignmentChange, claim: str, article_id: int | None, title: str | None
) -> dict[str, object]:
    """The :data:`_CHANGE_FIELDS` of a history row."""
    return {
        "change_id": change.id,
        "claim_id": change.claim_id,
        "article_id": article_id,
        "article_title": title,
        "claim": claim,
        "changed_at": _when(change.changed_at),
        "changed_by": change.changed_by,
    }


def _when(value: datetime | None) -> str | None:
    return as_utc(value).isoformat(timespec="seconds") if value else None


#: The verdict history: every verdict given, changed or kept, with its sign-off.
VERDICTS = Trail("verdict history", HISTORY_FIELDS, HISTORY_SCHEMA, _verdict_rows, VerdictChange)
#: The assignment history: every hand-over of a claim to check.
ASSIGNMENTS = Trail(
    "assignment history",
    ASSIGNMENT_FIELDS,
    _schema(ASSIGNMENT_FIELDS),
    _assignment_rows,
    AssignmentChange,
)
#: The trails by the name ``verifier export --history`` takes.
TRAILS = {"verdicts": VERDICTS, "assignments": ASSIGNMENTS}
