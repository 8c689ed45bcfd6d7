"""Sign-off: an editor's second reading of a reviewer's verdict before the desk publishes it.

A sign-off is of the verdict as it stands: any later change of the verdict (a save, an
import, a bulk accept) clears it (:func:`verifier.review.record_review` and the others go
through one place that does), and the changed verdict needs a sign-off of its own. Every
sign-off is kept, with the history entry it signed (``sign_offs``). Nobody signs off their
own verdict; with accounts in use, only an editor signs off (:func:`verifier.accounts.
acting_editor`). Reports can keep to signed-off verdicts (``ReportFilter.signed_off_only``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.accounts import acting_editor
from verifier.db.models import Claim, SignOff, VerdictChange, utcnow
from verifier.db.verdicts import locked_verdicts
from verifier.errors import InputError

#: Claims read or locked per statement: well under any database's limit on bound values.
CHUNK = 500


def sign_off(session: Session, claim_ids: Sequence[int], by: str, skip_own: bool = False) -> int:
    """Sign off the verdicts of the claims as ``by``, in the caller's transaction: all of
    them or, on an error, none. The verdict rows are locked (in id order) and read afresh, so
    a verdict changed meanwhile is signed as it now is, never as it was. With ``skip_own``
    (claims picked by a filter), ``by``'s own verdicts are left for another editor instead
    of refused.

    Returns:
        How many verdicts were signed off (those already signed off as they stand are left,
        with their first sign-off).

    Raises:
        InputError: no ``by`` name, no claims, an unknown claim, a claim with no verdict
            yet, or ``by``'s own verdict; with accounts in use, ``by`` no active editor.
    """
    by = " ".join(
        acting_editor(session, by, "signing off verdicts", "verdicts are signed off").split()
    )
    ids = sorted({int(claim_id) for claim_id in claim_ids})
    if not ids:
        raise InputError("no verdicts to sign off: pick the claims first")
    found: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        query = sa.select(Claim.id).where(Claim.id.in_(ids[start : start + CHUNK]))
        found.update(session.scalars(query))
    if missing := [claim_id for claim_id in ids if claim_id not in found]:
        raise InputError(f"no claim with id {missing[0]}; nothing was signed off")
    now, signed = utcnow(), 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        verdicts = locked_verdicts(session, chunk)
        latest = dict(
            session.execute(
                sa.select(VerdictChange.claim_id, sa.func.max(VerdictChange.id))
                .where(VerdictChange.claim_id.in_(chunk))
                .group_by(VerdictChange.claim_id)
            ).all()
        )
        for claim_id in chunk:
            verdict = verdicts[claim_id]
            if verdict.label is None or claim_id not in latest:
                raise InputError(
                    f"claim #{claim_id} has no verdict to sign off yet; nothing was signed off"
                )
            own = " ".join((verdict.reviewer or "").split()) == by
            if own and skip_own:
                continue
            if own:
                raise InputError(
                    f"claim #{claim_id} is your own verdict: another editor signs it off; "
                    "nothing was signed off"
                )
            if verdict.signed_off_by is not None:
                continue
            verdict.signed_off_by, verdict.signed_off_at = by, now
            session.add(
                SignOff(claim_id=claim_id, change_id=latest[claim_id], signed_by=by, signed_at=now)
            )
            signed += 1
    session.flush()
    return signed
