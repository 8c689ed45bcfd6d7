"""The verdict row of each claim, created if missing and locked for the caller's transaction.

Two reviewers saving the same claim at once must each write a whole verdict and its history
entry, one after the other. So every writer of verdicts first makes sure the rows exist with
``INSERT ... ON CONFLICT DO NOTHING`` (the first verdict of a claim is an upsert, never a
unique-key error) and then reads them with ``SELECT ... FOR UPDATE``: PostgreSQL holds each
row for the rest of the transaction; SQLite, which ignores ``FOR UPDATE``, serialises the
writers of :meth:`verifier.db.session.Database.writing` instead. The rows are read fresh from
the database, never taken from an identity map another request filled.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from verifier.db.models import Verdict, utcnow


def locked_verdicts(session: Session, claim_ids: Sequence[int]) -> dict[int, Verdict]:
    """The verdict row of each claim (made empty where there was none), locked until the
    session's transaction ends. Claims are taken in id order, so writers never deadlock."""
    ids = sorted(set(claim_ids))
    if not ids:
        return {}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    session.execute(
        insert(Verdict)
        .values([{"claim_id": cid, "evidence": [], "updated_at": now} for cid in ids])
        .on_conflict_do_nothing(index_elements=["claim_id"])
    )
    rows = session.scalars(
        sa.select(Verdict)
        .where(Verdict.claim_id.in_(ids))
        .order_by(Verdict.claim_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.claim_id: row for row in rows}
