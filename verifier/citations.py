"""Evidence a reviewer cited outlives its source.

A verdict (and each history entry) names the passages it relied on by id. When a source is
removed, or its text replaced so its passages are split again, :func:`retire_passages` first
copies the passages that any verdict or history entry cites into ``removed_passages``, so
the app and the reports still quote them, marked as removed; after the delete,
:func:`renumber_matches` closes the gaps in the affected claims' evidence ranks.

Passage ids are never reused, so an old citation cannot come to name a new passage:
PostgreSQL's sequences never go back, and on SQLite (which would hand out the highest id
again once its row is deleted) new passages are numbered above the highest id ever retired
(:func:`next_passage_id`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.db.models import (
    DatabaseInfo,
    Document,
    Match,
    Passage,
    RemovedPassage,
    Verdict,
    VerdictChange,
)

#: ``database_info`` key: the highest passage id ever deleted.
RETIRED_ID_KEY = "passage_id_retired"


@dataclass(frozen=True)
class CitedPassage:
    """A passage a reviewer relied on, from its source or, once that is gone, as kept."""

    passage_id: int
    text: str
    title: str
    outlet: str | None
    published: date | None
    url: str | None
    uri: str
    removed: bool = False


def passages_with_source() -> sa.Select:
    """A query of passages with what a reader cites about their source: ``id``, ``text``,
    ``title``, ``outlet``, ``published``, ``url`` and ``uri`` (add ``where``, columns, joins)."""
    return sa.select(
        Passage.id,
        Passage.text,
        Document.title,
        Document.outlet,
        Document.published,
        Document.url,
        Document.uri,
    ).join(Document, Document.id == Passage.document_id)


def cited_ids(session: Session) -> set[int]:
    """Every passage id a verdict or a history entry cites."""
    found: set[int] = set()
    for column in (Verdict.evidence, VerdictChange.evidence):
        for ids in session.scalars(sa.select(column).where(column.is_not(None))):
            found.update(int(pid) for pid in ids or [])
    return found


def matched_claims(session: Session, passage_ids: Collection[int]) -> set[int]:
    """Claims whose stored evidence includes one of ``passage_ids``."""
    if not passage_ids:
        return set()
    return set(
        session.scalars(
            sa.select(Match.claim_id).where(Match.passage_id.in_(list(passage_ids))).distinct()
        )
    )


def retire_passages(session: Session, passage_ids: Collection[int]) -> set[int]:
    """Before ``passage_ids`` are deleted: keep the cited ones, remember the highest id, and
    return the claims whose evidence they are part of (to renumber or match again)."""
    if not passage_ids:
        return set()
    keep = cited_ids(session) & set(passage_ids)
    if keep:
        already = set(
            session.scalars(
                sa.select(RemovedPassage.passage_id).where(RemovedPassage.passage_id.in_(keep))
            )
        )
        rows = session.execute(passages_with_source().where(Passage.id.in_(keep - already)))
        session.add_all(
            RemovedPassage(
                passage_id=row.id,
                text=row.text,
                uri=row.uri,
                title=row.title,
                outlet=row.outlet,
                url=row.url,
                published=row.published,
            )
            for row in rows
        )
    _raise_retired(session, max(passage_ids))
    return matched_claims(session, passage_ids)


def _raise_retired(session: Session, highest: int) -> None:
    row = session.get(DatabaseInfo, RETIRED_ID_KEY)
    if row is None:
        session.add(DatabaseInfo(key=RETIRED_ID_KEY, value=str(highest)))
    elif int(row.value) < highest:
        row.value = str(highest)


def next_passage_id(session: Session) -> int | None:
    """The id the next new passage must take on SQLite (above every id held or retired);
    ``None`` where the database's own sequence never reuses ids."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    held = session.scalar(sa.select(sa.func.max(Passage.id))) or 0
    retired = session.get(DatabaseInfo, RETIRED_ID_KEY)
    return max(int(held), int(retired.value) if retired else 0) + 1


def renumber_matches(session: Session, claim_ids: Iterable[int]) -> None:
    """Ranks 1, 2, 3... again for these claims' evidence (after some of it was deleted)."""
    claim_ids = list(claim_ids)
    if not claim_ids:
        return
    rows = session.scalars(
        sa.select(Match).where(Match.claim_id.in_(claim_ids)).order_by(Match.claim_id, Match.rank)
    )
    rank, last = 0, None
    for row in rows:
        rank = rank + 1 if row.claim_id == last else 1
        last = row.claim_id
        if row.rank != rank:
            row.rank = rank


def cited_passages(session: Session, passage_ids: Collection[int]) -> dict[int, CitedPassage]:
    """The passages named, by id: from their source while it is held, else as kept when it
    was removed (``removed=True``). Ids that were never cited when removed are left out."""
    if not passage_ids:
        return {}
    wanted = list(set(passage_ids))
    found = {
        row.id: CitedPassage(
            row.id, row.text, row.title, row.outlet, row.published, row.url, row.uri
        )
        for row in session.execute(passages_with_source().where(Passage.id.in_(wanted)))
    }
    for kept in session.scalars(
        sa.select(RemovedPassage).where(RemovedPassage.passage_id.in_(wanted))
    ):
        found.setdefault(
            kept.passage_id,
            CitedPassage(
                kept.passage_id,
                kept.text,
                kept.title,
                kept.outlet,
                kept.published,
                kept.url,
                kept.uri,
                removed=True,
            ),
        )
    return found
