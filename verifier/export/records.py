"""The report record: one claim with its suggested verdict, provenance and evidence.

Every output of claims goes through :class:`ClaimRecord` (``verifier score`` files, ``verifier
match --json``), so a field is named, ordered and typed in one place.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from verifier.claim_memory import PAST_CHECK_FIELDS, PastCheck
from verifier.copies import copies
from verifier.labels import Label
from verifier.match import ScoredClaim

#: Fields of a record, in output order (a row's own input fields come first).
CLAIM_FIELDS = (
    "claim",
    "suggested_verdict",
    "confidence",
    "reason",
    "retriever",
    "stance_model",
    "stance_version",
    "evidence",
)
EVIDENCE_FIELDS = (
    "text",
    "score",
    "uri",
    "document",
    "passage_id",
    "outlet",
    "outlet_label",
    "date",
    "stance",
    "copy_of",
)


@dataclass(frozen=True)
class EvidenceRecord:
    """One evidence passage: its text, score, source and stance on the claim."""

    text: str
    score: float
    uri: str
    document: str
    passage_id: int
    outlet: str | None
    outlet_label: str | None
    date: str | None
    stance: str | None
    #: The rank (1 = first) of a passage above from another source that this one repeats:
    #: the same wire copy, not independent corroboration (:mod:`verifier.copies`).
    copy_of: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in EVIDENCE_FIELDS}


@dataclass(frozen=True)
class ClaimRecord:
    """A scored claim as written to files.

    Attributes:
        extra: the input row's other fields (an ``id``, say), carried to the output first.
        claim_id: set for claims stored in the database.
        row: for a claim read from a file, its line (its row in a workbook); written first.
    """

    claim: str
    suggested_verdict: Label
    confidence: float
    reason: str
    retriever: str
    stance_model: str
    stance_version: str
    evidence: list[EvidenceRecord]
    claim_id: int | None = None
    past: PastCheck | None = None
    extra: Mapping[str, object] = field(default_factory=dict)
    row: int | None = None

    @classmethod
    def from_scored(
        cls,
        scored: ScoredClaim,
        extra: Mapping[str, object] | None = None,
        row: int | None = None,
    ) -> ClaimRecord:
        stances = {s.passage_id: s.stance.value for s in scored.suggestion.stances}
        evidence = scored.evidence
        originals = copies([e.text for e in evidence], [e.uri for e in evidence])
        return cls(
            claim=scored.claim,
            suggested_verdict=scored.suggestion.label,
            confidence=scored.suggestion.confidence,
            reason=scored.suggestion.reason,
            retriever=scored.provenance.retriever,
            stance_model=scored.provenance.stance_model,
            stance_version=scored.provenance.stance_version,
            evidence=[
                EvidenceRecord(
                    text=e.text,
                    score=round(e.score, 4),
                    uri=e.uri,
                    document=e.document,
                    passage_id=e.passage_id,
                    outlet=e.outlet,
                    outlet_label=e.outlet_label,
                    date=e.published,
                    stance=stances.get(e.passage_id),
                    copy_of=None if original is None else original + 1,
                )
                for e, original in zip(evidence, originals, strict=True)
            ],
            claim_id=scored.claim_id,
            past=scored.past,
            extra=dict(extra or {}),
            row=row,
        )

    def to_dict(self) -> dict[str, object]:
        """The JSON-friendly record: ``row`` for a claim read from a file, input fields, then
        :data:`CLAIM_FIELDS`, then the claim the desk checked before
        (:data:`PAST_CHECK_FIELDS`, ``None`` when none), then ``claim_id`` for stored claims.
        Labels are plain strings. An input field with the name of one the record writes is
        kept as ``input_<name>``, not overwritten."""
        record: dict[str, object] = {} if self.row is None else {"row": self.row}
        for name, value in self.extra.items():
            kept = name
            while kept in _WRITTEN or kept in record or (kept != name and kept in self.extra):
                kept = f"input_{kept}"
            record[kept] = value
        for name in CLAIM_FIELDS:
            value = getattr(self, name)
            if name == "evidence":
                value = [e.to_dict() for e in self.evidence]
            elif name == "suggested_verdict":
                value = Label(value).value
            record[name] = value
        record.update(self.past.to_fields() if self.past else dict.fromkeys(PAST_CHECK_FIELDS))
        if self.claim_id is not None:
            record["claim_id"] = self.claim_id
        return record


_TOP_FIELDS = ("top_uri", "top_score", "top_text")
# Every name a scored record or its spreadsheet row writes itself.
_WRITTEN = frozenset((*CLAIM_FIELDS, *PAST_CHECK_FIELDS, "claim_id", "row", *_TOP_FIELDS))


def spreadsheet_columns(records: Sequence[dict[str, object]]) -> list[str]:
    """The columns of :func:`spreadsheet_row` for ``records``: input fields may differ from row
    to row, so their union in first-seen order, then the spelled-out best match and evidence."""
    fields = dict.fromkeys(key for record in records for key in record if key != "evidence")
    return [*fields, *_TOP_FIELDS, "evidence"]


def spreadsheet_row(record: dict[str, object]) -> dict[str, object]:
    """A scored record for CSV/Excel: the best match spelled out (``top_uri``, ``top_score``,
    ``top_text``) and the whole evidence list as a JSON column."""
    evidence: list[dict[str, object]] = record["evidence"]  # type: ignore[assignment]
    top = evidence[0] if evidence else {}
    row = {key: value for key, value in record.items() if key != "evidence"}
    row.update(zip(_TOP_FIELDS, (top.get("uri"), top.get("score"), top.get("text"))))
    row["evidence"] = json.dumps(evidence, ensure_ascii=False)
    return row
