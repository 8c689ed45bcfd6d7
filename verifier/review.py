"""Reviewer decisions: set a claim's verdict, keeping every change in the history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from verifier.db.models import Claim, Passage, Verdict, VerdictChange, as_utc
from verifier.errors import InputError
from verifier.labels import Label
from verifier.readers import ReviewRow


@dataclass(frozen=True)
class Change:
    """One entry of a claim's verdict history."""

    changed_by: str
    changed_at: datetime
    from_label: Label | None
    to_label: Label
    note: str | None
    evidence: list[int]


def record_review(
    session: Session,
    claim_id: int,
    reviewer: str,
    label: Label | str,
    note: str | None = None,
    evidence: Sequence[int] = (),
) -> Change:
    """Set the reviewer's verdict on a claim and append the change to its history.

    Args:
        session: the transaction the change is written in (verdict and history together).
        claim_id: the claim.
        reviewer: who decides (required: the history says who changed what).
        label: a :class:`Label` or its name.
        note: the reviewer's reasoning.
        evidence: passage ids the reviewer relied on.

    Raises:
        InputError: no reviewer name, unknown label, unknown claim or passage.
    """
    reviewer = reviewer.strip()
    if not reviewer:
        raise InputError("enter your name as reviewer before saving a verdict")
    label = Label.parse(label)
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise InputError(f"no claim with id {claim_id}")
    evidence = [int(pid) for pid in evidence]
    known = (
        set(session.scalars(sa.select(Passage.id).where(Passage.id.in_(evidence))))
        if evidence
        else set()
    )
    if missing := [pid for pid in evidence if pid not in known]:
        raise InputError(f"no passage with id {missing[0]}; pick evidence from the list")
    verdict = claim.verdict or Verdict(claim_id=claim_id, evidence=[])
    change = VerdictChange(
        claim_id=claim_id,
        changed_by=reviewer,
        from_label=verdict.label,
        to_label=label,
        note=note or None,
        evidence=evidence,
    )
    verdict.label, verdict.note, verdict.reviewer = label, note or None, reviewer
    verdict.evidence = evidence
    session.add_all([verdict, change])
    session.flush()
    return _change(change)


def record_reviews(session: Session, rows: Sequence[ReviewRow]) -> list[Change]:
    """Record each imported verdict in order (:func:`record_review`), in the caller's
    transaction: a row that cannot be recorded fails them all.

    Raises:
        InputError: a row names an unknown claim or passage (the message gives its line).
    """
    # Load the claims and their verdicts in one query; record_review then finds them in the
    # session instead of asking the database once per row (held here: the session's map of
    # loaded rows does not keep them alive by itself).
    _loaded = session.scalars(
        sa.select(Claim)
        .where(Claim.id.in_({row.claim_id for row in rows}))
        .options(selectinload(Claim.verdict))
    ).all()
    changes = []
    for row in rows:
        try:
            changes.append(
                record_review(
                    session, row.claim_id, row.reviewer, row.verdict, row.note, row.evidence
                )
            )
        except InputError as error:
            raise InputError(f"line {row.line}: {error}; nothing was imported") from None
    return changes


def _change(row: VerdictChange) -> Change:
    return Change(
        row.changed_by,
        as_utc(row.changed_at),
        row.from_label,
        row.to_label,
        row.note,
        list(row.evidence),
    )


def histories(session: Session, claim_ids: Sequence[int]) -> dict[int, list[Change]]:
    """Every verdict change of each claim, oldest first, in one query."""
    found: dict[int, list[Change]] = {}
    rows = session.scalars(
        sa.select(VerdictChange)
        .where(VerdictChange.claim_id.in_(list(claim_ids)))
        .order_by(VerdictChange.changed_at, VerdictChange.id)
    )
    for row in rows:
        found.setdefault(row.claim_id, []).append(_change(row))
    return found


def history(session: Session, claim_id: int) -> list[Change]:
    """Every verdict change of one claim, oldest first."""
    return histories(session, [claim_id]).get(claim_id, [])
