"""Assignments: which reviewer is to check which claims, so that a desk splits its work and
each reviewer finds their own in the queue ("assigned to me").

With accounts in use (:mod:`verifier.accounts`), claims go to active accounts only, and only
an editor hands claims to others or takes them from others (a reviewer takes unassigned
claims for themselves and gives their own back); with none, to any name, as the name a
reviewer types. An assignment says who is to check the claim, not who may: anyone may still
give it a verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from verifier.accounts import account_name, acting_name, active_accounts, require_editor
from verifier.db.limits import check_lengths
from verifier.db.models import (
    Assignment,
    AssignmentChange,
    Claim,
    Verdict,
    as_utc,
    utcnow,
)
from verifier.errors import InputError

#: Claims written per statement: well under any database's limit on bound values.
CHUNK = 500


@dataclass(frozen=True)
class Assigned:
    """A claim's assignment: to whom, by whom, when."""

    to: str
    by: str
    at: datetime


def assign(session: Session, claim_ids: Sequence[int], to: str | None, by: str) -> int:
    """Give the claims to ``to`` to check (``None``: to nobody), as asked by ``by``, in the
    caller's transaction: all of them or, on an error, none.

    Every change is kept, from whom to whom, by whom and when (:func:`handovers`).

    Returns:
        How many claims changed hands (those already so are left as they were, with the
        time and name of their first assignment).

    Raises:
        InputError: no ``by`` name, no claims, an unknown claim, or a ``to`` name that
            cannot be used (with accounts in use: one that is not an active account); a
            reviewer who is no editor handing claims to someone else or taking them from
            someone else.
    """
    by = by.strip()
    if not by:
        raise InputError("enter your name as reviewer before assigning claims")
    check_lengths(Assignment, {"assigned_by": by}, "the reviewer's name")
    by = acting_name(session, by, "claims are assigned")
    ids = sorted({int(claim_id) for claim_id in claim_ids})
    if not ids:
        raise InputError("no claims to assign: pick or filter the claims first")
    if to is not None:
        to = assignee(session, to)
    held: dict[int, str] = {}
    for chunk in _chunks(ids):
        # The claims are locked in id order (on PostgreSQL; SQLite writes one at a time), so
        # two desks assigning the same claims take turns and each change says what it was.
        found = set(
            session.scalars(sa.select(Claim.id).where(Claim.id.in_(chunk)).with_for_update())
        )
        if missing := [claim_id for claim_id in chunk if claim_id not in found]:
            raise InputError(f"no claim with id {missing[0]}; nothing was assigned")
        rows = session.execute(
            sa.select(Assignment.claim_id, Assignment.assigned_to).where(
                Assignment.claim_id.in_(chunk)
            )
        )
        held.update({row.claim_id: row.assigned_to for row in rows})
    if to not in (None, by) or any(held.get(claim_id) not in (None, by) for claim_id in ids):
        require_editor(session, by, "handing claims to others or taking them from others")
    changing = [claim_id for claim_id in ids if held.get(claim_id) != to]
    now = utcnow()
    for chunk in _chunks(changing):
        if to is None:
            session.execute(sa.delete(Assignment).where(Assignment.claim_id.in_(chunk)))
        else:
            _upsert(session, chunk, to, by, now)
        session.execute(
            sa.insert(AssignmentChange),
            [
                {
                    "claim_id": claim_id,
                    "from_name": held.get(claim_id),
                    "to_name": to,
                    "changed_by": by,
                    "changed_at": now,
                }
                for claim_id in chunk
            ],
        )
    return len(changing)


def _upsert(session: Session, claim_ids: Sequence[int], to: str, by: str, now: datetime) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {"assigned_to": to, "assigned_by": by, "assigned_at": now}
    statement = insert(Assignment).values(
        [{"claim_id": claim_id, **values} for claim_id in claim_ids]
    )
    session.execute(statement.on_conflict_do_update(index_elements=["claim_id"], set_=values))


def assignee(session: Session, name: str) -> str:
    """``name`` as claims are assigned to it (spaces collapsed, as an account's); with
    accounts in use, it must be an active account's.

    Raises:
        InputError: an empty or unusable name, or not an active account's.
    """
    try:
        name = account_name(name)
    except InputError:
        raise InputError(
            f"cannot assign claims to {name!r}: give a reviewer's name (printable, "
            "256 characters at most)"
        ) from None
    active = active_accounts(session)
    if active and name not in active:
        known = ", ".join(active[:10]) + (", ..." if len(active) > 10 else "")
        raise InputError(f"{name!r} is not an active account: assign claims to one of {known}")
    return name


def assignments(session: Session, claim_ids: Sequence[int]) -> dict[int, Assigned]:
    """The assignment of each of the claims that has one."""
    found: dict[int, Assigned] = {}
    for chunk in _chunks(sorted(set(claim_ids))):
        for row in session.scalars(sa.select(Assignment).where(Assignment.claim_id.in_(chunk))):
            found[row.claim_id] = Assigned(
                row.assigned_to, row.assigned_by, as_utc(row.assigned_at)
            )
    return found


def open_assigned(session: Session, name: str) -> int:
    """How many claims assigned to ``name`` have no verdict yet."""
    query = (
        sa.select(sa.func.count(Assignment.claim_id))
        .outerjoin(Verdict, Verdict.claim_id == Assignment.claim_id)
        .where(Assignment.assigned_to == " ".join(name.split()), Verdict.label.is_(None))
    )
    return int(session.scalar(query) or 0)


@dataclass(frozen=True)
class Handover:
    """One change of a claim's assignment (``None``: no one)."""

    from_name: str | None
    to_name: str | None
    by: str
    at: datetime


def handovers(session: Session, claim_id: int) -> list[Handover]:
    """Every change of the claim's assignment, oldest first."""
    rows = session.scalars(
        sa.select(AssignmentChange)
        .where(AssignmentChange.claim_id == claim_id)
        .order_by(AssignmentChange.id)
    )
    return [Handover(r.from_name, r.to_name, r.changed_by, as_utc(r.changed_at)) for r in rows]


def assignees(session: Session) -> list[str]:
    """Everyone some claim is assigned to, by name."""
    query = sa.select(Assignment.assigned_to).distinct().order_by(Assignment.assigned_to)
    return list(session.scalars(query))


@dataclass(frozen=True)
class Workload:
    """The claims assigned to one reviewer (``to`` empty: to no one), open and reviewed."""

    to: str
    open: int
    reviewed: int


def workload(session: Session) -> list[Workload]:
    """Each reviewer's assigned claims, by name, then the claims no one has, in one query."""
    holder = sa.func.coalesce(Assignment.assigned_to, "")
    reviewed = sa.func.sum(sa.case((Verdict.label.is_not(None), 1), else_=0))
    rows = session.execute(
        sa.select(holder, sa.func.count(Claim.id), reviewed)
        .select_from(Claim)
        .outerjoin(Verdict, Verdict.claim_id == Claim.id)
        .outerjoin(Assignment, Assignment.claim_id == Claim.id)
        .group_by(holder)
    )
    found = [Workload(to, int(count) - int(done or 0), int(done or 0)) for to, count, done in rows]
    return sorted(found, key=lambda load: (not load.to, load.to))


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[at : at + CHUNK] for at in range(0, len(ids), CHUNK)]
