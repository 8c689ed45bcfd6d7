"""New evidence since a verdict: passages from sources added, or changed, after a claim's
verdict was last given, that the claim's evidence now ranks in view.

A desk's verdict rests on the sources it had. When a later source (a ministry's correction,
a new wire) comes into a reviewed claim's evidence, the verdict may no longer stand: the
queue's "new evidence" status lists those claims, and the claim marks the passages, until a
reviewer saves the claim again (reading them, the verdict kept or changed).

A passage is in view when it is at least :data:`~verifier.stance.rules.RELEVANT_SIMILARITY`
similar to the claim, or the stance model read it as supporting or refuting the claim: the
rule by which the app folds the rest of the evidence away. A source counts from the time its
current text was stored (``Document.ingested_at``: set again when a changed text replaces
its passages), so a source edited after the verdict counts too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.db.models import Document, Match, Passage, VerdictChange, as_utc
from verifier.stance.rules import RELEVANT_SIMILARITY

#: Stances that keep a passage in view however far it is.
STANCES_IN_VIEW = ("supports", "refutes")


def in_view(score: float, stance: str | None) -> bool:
    """Whether a ranked passage is shown unfolded (see the module's docstring)."""
    return score >= RELEVANT_SIMILARITY or stance in STANCES_IN_VIEW


def newer(ingested_at: datetime | None, verdict_at: datetime | None) -> bool:
    """Whether a source stored at ``ingested_at`` came after a verdict given at
    ``verdict_at`` (``None``: no verdict, so nothing is new to it)."""
    if ingested_at is None or verdict_at is None:
        return False
    return as_utc(ingested_at) > as_utc(verdict_at)


def claims_with_new_evidence() -> sa.Select[Any]:
    """The ids of the claims with a passage in view from a source stored after the claim's
    last verdict change (claims with no verdict have no change, so none of them)."""
    last = (
        sa.select(VerdictChange.claim_id, sa.func.max(VerdictChange.changed_at).label("at"))
        .group_by(VerdictChange.claim_id)
        .subquery()
    )
    return (
        sa.select(Match.claim_id)
        .join(Passage, Passage.id == Match.passage_id)
        .join(Document, Document.id == Passage.document_id)
        .join(last, last.c.claim_id == Match.claim_id)
        .where(
            Document.ingested_at > last.c.at,
            sa.or_(Match.score >= RELEVANT_SIMILARITY, Match.stance.in_(STANCES_IN_VIEW)),
        )
    )


def count_claims_with_new_evidence(session: Session) -> int:
    """How many claims have new evidence since their verdict (each once)."""
    fresh = claims_with_new_evidence().distinct().subquery()
    return int(session.scalar(sa.select(sa.func.count()).select_from(fresh)) or 0)
