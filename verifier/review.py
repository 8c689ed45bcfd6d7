"""Reviewer decisions: set a claim's verdict, keeping every change in the history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.accounts import acting_editor, acting_name
from verifier.db.limits import check_lengths
from verifier.db.models import (
    Claim,
    Passage,
    RemovedPassage,
    SignOff,
    Verdict,
    VerdictChange,
    as_utc,
    utcnow,
)
from verifier.db.verdicts import locked_verdicts
from verifier.errors import ConflictError, InputError
from verifier.labels import Label
from verifier.readers import ReviewFile, ReviewRow

#: Claims read or locked per statement: well under any database's limit on bound values.
CHUNK = 500


@dataclass(frozen=True)
class Change:
    """One entry of a claim's verdict history."""

    changed_by: str
    changed_at: datetime
    from_label: Label | None
    to_label: Label
    note: str | None
    evidence: list[int]
    #: The editor who signed off the verdict this entry set, and when (:mod:`verifier.signoffs`).
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None


def record_review(
    session: Session,
    claim_id: int,
    reviewer: str,
    label: Label | str,
    note: str | None = None,
    evidence: Sequence[int] = (),
    seen: int | None = None,
) -> Change:
    """Set the reviewer's verdict on a claim and append the change to its history.

    The verdict row is locked first (:func:`verifier.db.verdicts.locked_verdicts`) and read
    afresh, so the change records what the verdict really was, and verdict and history are
    written together: with concurrent saves the last one wins whole, and the history holds
    every one in the order they were written. Given ``seen``, a save that would silently
    replace a verdict the reviewer never saw is refused instead.

    Args:
        session: the transaction the change is written in, from
            :meth:`~verifier.db.session.Database.writing`.
        claim_id: the claim.
        reviewer: who decides (required: the history says who changed what).
        label: a :class:`Label` or its name.
        note: the reviewer's reasoning.
        evidence: passage ids the reviewer relied on.
        seen: how many changes of the claim's history the reviewer had in view when
            deciding (``len(ClaimView.history)``, as the app shows it); ``None`` (scripts,
            the command line) does not check.

    Raises:
        InputError: no reviewer name, unknown label, unknown claim or passage; with
            accounts in use, a reviewer who is no active account.
        ConflictError: the history has grown past ``seen``: someone (or the reviewer in
            another tab) changed the verdict meanwhile. Nothing is written; the message
            says who, when and to what. Saving again with the new count replaces it.
    """
    if session.get(Claim, claim_id) is None:
        raise InputError(f"no claim with id {claim_id}")
    known = _passages(session, [int(pid) for pid in evidence])
    reviewer = acting_name(session, reviewer, "verdicts are saved")
    verdict = locked_verdicts(session, [claim_id])[claim_id]
    if seen is not None:
        _check_unchanged(session, claim_id, reviewer, seen)
    change = _apply(session, verdict, reviewer, label, note, evidence, known)
    session.flush()
    return change


def accept_suggestions(
    session: Session, claim_ids: Sequence[int], reviewer: str, min_confidence: float
) -> list[Change]:
    """Give each of the claims that no reviewer has decided, and whose suggestion is at least
    ``min_confidence`` confident, its suggested verdict as ``reviewer``'s, with a note saying
    it was accepted in bulk and at what confidence; every one goes into the history as a
    reviewer's save does. The verdict rows are locked (in id order) and read again first:
    a claim decided meanwhile is left as it is. All or none, in the caller's transaction.

    Raises:
        InputError: no reviewer, a threshold outside 0-1, or (accounts in use) a reviewer
            who is no active editor's account.
    """
    if not 0.0 <= min_confidence <= 1.0:
        raise InputError(f"the confidence to accept at is between 0 and 1, not {min_confidence}")
    reviewer = acting_editor(
        session, reviewer, "accepting suggestions in bulk", "verdicts are saved"
    )
    ids = sorted(set(claim_ids))
    wanted = (
        Verdict.label.is_(None),
        Verdict.suggested.is_not(None),
        Verdict.confidence >= min_confidence,
    )
    candidates: list[int] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        query = sa.select(Verdict.claim_id).where(Verdict.claim_id.in_(chunk), *wanted)
        candidates.extend(sorted(session.scalars(query)))
    changes = []
    for start in range(0, len(candidates), CHUNK):  # locked a chunk at a time, in id order
        for verdict in locked_verdicts(session, candidates[start : start + CHUNK]).values():
            confidence = verdict.confidence
            if verdict.label is not None or verdict.suggested is None or confidence is None:
                continue  # decided (or matched again) since it was picked
            if confidence < min_confidence:
                continue
            note = (
                f"suggestion accepted in bulk: confidence {confidence:.2f}, at or above "
                f"{min_confidence:.2f}"
            )
            changes.append(_apply(session, verdict, reviewer, verdict.suggested, note, [], set()))
            verdict.bulk_accepted = True  # until a reviewer saves it one by one
    session.flush()
    return changes


@dataclass(frozen=True)
class ImportReport:
    """What ``verifier review --import`` did: the changes recorded, and the lines left."""

    changes: list[Change]
    unchanged: list[int]  # lines whose verdict, reviewer, note and evidence were already so
    undecided: list[int]  # lines without a verdict
    newer: list[int] = field(default_factory=list)  # left as exported; decided again since
    #: What reading the file noted (not in UTF-8, only one sheet read), for the app.
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        skipped = [
            f"{len(lines)} {what}"
            for lines, what in (
                (self.unchanged, "unchanged"),
                (self.newer, "left as exported, whose newer verdict was kept"),
                (self.undecided, "without a verdict"),
            )
            if lines
        ]
        return f"{len(self.changes)} verdict(s)" + (f" ({', '.join(skipped)})" if skipped else "")


def record_reviews(
    session: Session,
    found: ReviewFile,
    replace_newer: bool = False,
    replace_option: str = "--replace-newer",
) -> ImportReport:
    """Record each imported verdict in order (:func:`record_review`), in the caller's
    transaction: a row that cannot be recorded fails them all. A row that would change
    nothing (the claim's verdict, reviewer, note and evidence are already what it says: a
    verdict report coming back with its reviewed claims as they were) is left out of the
    history.

    A verdict report's row says how much of the claim's history it showed
    (``history_entries``). When the claim was decided again after the export, a row left as
    exported is skipped (the newer verdict stands: the file decided nothing), and a row the
    file changed is a conflict: unless ``replace_newer``, the import is refused, so that a
    sheet filled in over a week never silently undoes a colleague's verdict of yesterday.

    The file's claims, their verdicts (locked at once, in id order, so two imports never
    deadlock) and the passages it cites are each read in one query, not one per row.

    Args:
        replace_option: how the user asks for ``replace_newer`` (an option, a box of the
            app), named in the refusal.

    Raises:
        InputError: a row names an unknown claim or passage (the message gives its line).
        ConflictError: rows the file changed replace verdicts given after the export (the
            message counts them and names the first); nothing is recorded.
    """
    rows = found.rows
    ids = {row.claim_id for row in rows}
    present = list(session.scalars(sa.select(Claim.id).where(Claim.id.in_(ids))))
    verdicts = locked_verdicts(session, present)
    known = _passages(session, [int(pid) for row in rows for pid in row.evidence])
    shown = [row.claim_id for row in rows if row.seen is not None and row.claim_id in verdicts]
    past = histories(session, shown)  # read under the verdicts' locks
    report = ImportReport([], [], list(found.undecided))
    conflicts: list[tuple[ReviewRow, Change]] = []
    for row in rows:
        try:
            if row.claim_id not in verdicts:
                raise InputError(f"no claim with id {row.claim_id}")
            verdict = verdicts[row.claim_id]
            if _already(verdict, row):
                report.unchanged.append(row.line)
                continue
            changes = past.get(row.claim_id, [])
            if row.seen is not None and len(changes) > row.seen:
                if row.seen and _says(changes[row.seen - 1], row):
                    report.newer.append(row.line)
                    continue
                if not replace_newer:
                    conflicts.append((row, changes[-1]))
                    continue
            report.changes.append(
                _apply(session, verdict, row.reviewer, row.verdict, row.note, row.evidence, known)
            )
        except InputError as error:
            raise InputError(f"line {row.line}: {error}; nothing was imported") from None
    if conflicts:
        row, last = conflicts[0]
        raise ConflictError(
            f"{len(conflicts)} row(s) would replace a verdict given after the file was exported "
            f"(line {row.line}: claim #{row.claim_id} was marked {last.to_label.value} by "
            f"{last.changed_by} at {last.changed_at:%Y-%m-%d %H:%M} UTC); nothing was "
            "imported: read those claims in the workbench and clear the verdict of the rows "
            f"that should not replace theirs, or import again with {replace_option}"
        )
    session.flush()
    return report


def _check_unchanged(session: Session, claim_id: int, reviewer: str, seen: int) -> None:
    """Refuse a save when the claim's history (read under its verdict's row lock) holds
    more changes than the ``seen`` ones: a later save would hide one nobody read."""
    count = session.scalar(sa.select(sa.func.count()).where(VerdictChange.claim_id == claim_id))
    if not count or count <= seen:
        return
    last = session.scalars(
        sa.select(VerdictChange)
        .where(VerdictChange.claim_id == claim_id)
        .order_by(VerdictChange.id.desc())
        .limit(1)
    ).one()
    yours = last.changed_by == reviewer.strip()
    who, where = ("you", " (in another tab, page or import)") if yours else (last.changed_by, "")
    others = count - seen - 1
    also = f", {others} other change(s) before it" if others else ""
    raise ConflictError(
        f"{who} marked claim #{claim_id} {last.to_label.value} at "
        f"{as_utc(last.changed_at):%Y-%m-%d %H:%M} UTC{where}, after this page showed it{also}; "
        "nothing was saved: read the verdict and note now shown, then save again to replace it"
    )


def _already(verdict: Verdict, row: ReviewRow) -> bool:
    """Whether ``verdict`` already says what the imported ``row`` says."""
    return (
        verdict.label == row.verdict
        and verdict.reviewer == row.reviewer
        and (verdict.note or None) == row.note
        and [int(pid) for pid in verdict.evidence or []] == list(row.evidence)
    )


def _says(change: Change, row: ReviewRow) -> bool:
    """Whether the imported ``row`` says what the verdict was right after ``change``: the
    row was left as exported."""
    return (
        change.to_label == row.verdict
        and change.changed_by == row.reviewer
        and (change.note or None) == row.note
        and [int(pid) for pid in change.evidence] == list(row.evidence)
    )


def _passages(session: Session, ids: list[int]) -> set[int]:
    """Those of the passage ``ids`` that exist, or were cited and kept when their source was
    removed (a reviewer may still rely on those)."""
    if not ids:
        return set()
    held = set(session.scalars(sa.select(Passage.id).where(Passage.id.in_(set(ids)))))
    kept = sa.select(RemovedPassage.passage_id).where(RemovedPassage.passage_id.in_(set(ids)))
    return held | set(session.scalars(kept))


def _apply(
    session: Session,
    verdict: Verdict,
    reviewer: str,
    label: Label | str,
    note: str | None,
    evidence: Sequence[int],
    known: set[int],
) -> Change:
    """Check one decision, then set it on the locked ``verdict`` with its history entry."""
    reviewer = reviewer.strip()
    if not reviewer:
        raise InputError("enter your name as reviewer before saving a verdict")
    check_lengths(VerdictChange, {"changed_by": reviewer}, "the reviewer's name")
    label = Label.parse(label)
    evidence = [int(pid) for pid in evidence]
    if missing := [pid for pid in evidence if pid not in known]:
        raise InputError(f"no passage with id {missing[0]}; pick evidence from the list")
    change = VerdictChange(
        claim_id=verdict.claim_id,
        changed_by=reviewer,
        changed_at=utcnow(),  # taken under the row lock: history times follow the writes
        from_label=verdict.label,
        to_label=label,
        note=note or None,
        evidence=evidence,
    )
    verdict.label, verdict.note, verdict.reviewer = label, note or None, reviewer
    verdict.evidence, verdict.bulk_accepted = evidence, False
    verdict.signed_off_by = verdict.signed_off_at = None  # a changed verdict is signed anew
    session.add(change)
    return _change(change)


def _change(row: VerdictChange, signed: SignOff | None = None) -> Change:
    return Change(
        row.changed_by,
        as_utc(row.changed_at),
        row.from_label,
        row.to_label,
        row.note,
        list(row.evidence),
        signed.signed_by if signed else None,
        as_utc(signed.signed_at) if signed else None,
    )


def histories(session: Session, claim_ids: Sequence[int]) -> dict[int, list[Change]]:
    """Every verdict change of each claim, oldest first (in the order they were written: the
    row lock orders writers, and ids follow it), with the sign-off of the verdict it set, in
    one query a chunk of claims."""
    found: dict[int, list[Change]] = {}
    ids = sorted(set(claim_ids))
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            sa.select(VerdictChange, SignOff)
            .outerjoin(SignOff, SignOff.change_id == VerdictChange.id)
            .where(VerdictChange.claim_id.in_(ids[start : start + CHUNK]))
            .order_by(VerdictChange.id)
        )
        for row, signed in rows:
            found.setdefault(row.claim_id, []).append(_change(row, signed))
    return found


def history(session: Session, claim_id: int) -> list[Change]:
    """Every verdict change of one claim, oldest first."""
    return histories(session, [claim_id]).get(claim_id, [])
