"""The verdict history of a report's claims, one row per change: the audit trail a standards
editor or a reader's complaint asks for (who gave which verdict when, from what, with which
note and evidence, and which editor signed it off).

The claims are those a :class:`~verifier.export.report.ReportFilter` picks, as for the report;
every change of each is listed, oldest first, claim by claim in the report's order (by
article and reading order). :data:`HISTORY_FIELDS` names a row's fields in output order; the
JSON Lines and Parquet files are this contract (a test pins it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.db.models import Article, Claim, SignOff, VerdictChange, as_utc
from verifier.export.report import CHUNK, ReportFilter, selected_claims
from verifier.labels import Label

#: Fields of a history row, in output order.
HISTORY_FIELDS = (
    "change_id",
    "claim_id",
    "article_id",
    "article_title",
    "claim",
    "changed_at",
    "changed_by",
    "from_verdict",
    "to_verdict",
    "note",
    "evidence",
    "signed_off_by",
    "signed_off_at",
)
_TYPES = {
    "change_id": pa.int64(),
    "claim_id": pa.int64(),
    "article_id": pa.int64(),
    "evidence": pa.list_(pa.int64()),
}
#: The Parquet schema of the history: text unless typed above (times as ISO 8601 text).
HISTORY_SCHEMA = pa.schema([(name, _TYPES.get(name, pa.string())) for name in HISTORY_FIELDS])


def history_records(session: Session, report: ReportFilter) -> Iterator[dict[str, object]]:
    """Every verdict change of the claims ``report`` picks, a chunk of claims at a time."""
    ids: list[int] = list(session.scalars(selected_claims(report)))
    for start in range(0, len(ids), CHUNK):
        yield from _rows(session, ids[start : start + CHUNK])


def _rows(session: Session, ids: Sequence[int]) -> Iterator[dict[str, object]]:
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
            "change_id": change.id,
            "claim_id": change.claim_id,
            "article_id": article_id,
            "article_title": title,
            "claim": claim,
            "changed_at": _when(change.changed_at),
            "changed_by": change.changed_by,
            "from_verdict": None if change.from_label is None else Label(change.from_label).value,
            "to_verdict": Label(change.to_label).value,
            "note": change.note,
            "evidence": [int(passage_id) for passage_id in change.evidence or []],
            "signed_off_by": signed.signed_by if signed else None,
            "signed_off_at": _when(signed.signed_at) if signed else None,
        }


def _when(value: datetime | None) -> str | None:
    return as_utc(value).isoformat(timespec="seconds") if value else None
