"""Store source documents and their passages in the database (the index is :mod:`corpus`'s job).

Storing is idempotent: a document is keyed by its uri (the file path, or ``path#row`` for table
rows); unchanged text is left alone (metadata is updated), changed text replaces that
document's passages, and a text already held under another uri is skipped as a duplicate.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from verifier.citations import next_passage_id, renumber_matches, retire_passages
from verifier.db.models import Document, Passage, utcnow
from verifier.passages import split_passages
from verifier.sentences import Span
from verifier.sources import SourceDoc
from verifier.text import contains_pattern, text_hash

log = logging.getLogger(__name__)

_META = ("title", "outlet", "url", "published", "format")


@dataclass
class IngestReport:
    """What an ingest did, document by document."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (uri, kept uri)
    passages: int = 0
    removed_passages: int = 0
    affected: set[int] = field(default_factory=set)  # claims whose evidence changed
    rematched: int = 0  # of those, matched again after the ingest
    warnings: list[str] = field(default_factory=list)  # what reading the files warned of

    def summary(self) -> str:
        parts = [
            f"{self.added} added",
            f"{self.updated} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicate(s) skipped")
        line = f"documents: {', '.join(parts)}; {self.passages} passage(s) indexed"
        if self.rematched:
            line += f"; {self.rematched} claim(s) whose evidence changed matched again"
        return line


@dataclass
class StoredBatch:
    """Passages a batch of documents added (flushed: they have ids) and the ids it dropped."""

    fresh: list[Passage] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    affected: set[int] = field(default_factory=set)  # claims whose evidence lost a passage


def _set_meta(row: Document, doc: SourceDoc) -> bool:
    """Copy ``doc``'s metadata onto ``row``. Returns whether anything changed."""
    changed = [key for key in _META if getattr(row, key) != getattr(doc, key)]
    for key in changed:
        setattr(row, key, getattr(doc, key))
    return bool(changed)


def passage_spans(text: str, passage_chars: int) -> list[Span]:
    """The passages a document's text is stored as (the whole text if it has no break)."""
    return split_passages(text, passage_chars) or [Span(0, len(text), text)]


def texts_to_store(session: Session, docs: Sequence[SourceDoc]) -> list[SourceDoc]:
    """Those of ``docs`` whose text :func:`store_documents` would store: not held under
    their uri already, nor under another (read only, to embed them before the write)."""
    hashes = {doc.uri: text_hash(doc.text) for doc in docs}
    held = set(
        session.scalars(
            sa.select(Document.content_hash).where(Document.content_hash.in_(set(hashes.values())))
        )
    )
    return [doc for doc in docs if hashes[doc.uri] not in held]


def store_documents(
    session: Session, docs: Sequence[SourceDoc], passage_chars: int, report: IngestReport
) -> StoredBatch:
    """Add or update ``docs`` and their passages in ``session`` (not committed), tallying
    what happened to each document in ``report``."""
    batch = StoredBatch()
    next_id = next_passage_id(session)
    hashes = {doc.uri: text_hash(doc.text) for doc in docs}
    existing = {
        row.uri: row
        for row in session.scalars(
            sa.select(Document)
            .where(Document.uri.in_(list(hashes)))
            .options(selectinload(Document.passages))
        )
    }
    held = dict(
        session.execute(
            sa.select(Document.content_hash, Document.uri).where(
                Document.content_hash.in_(set(hashes.values()))
            )
        ).all()
    )
    for doc in docs:
        digest, row = hashes[doc.uri], existing.get(doc.uri)
        if row is not None and row.content_hash == digest:
            if _set_meta(row, doc):
                report.updated += 1
            else:
                report.unchanged += 1
            continue
        if digest in held and held[digest] != doc.uri:
            log.info("%s: same text as %s; skipped", doc.uri, held[digest])
            report.duplicates.append((doc.uri, held[digest]))
            continue
        held[digest] = doc.uri
        if row is None:
            row = Document(uri=doc.uri)
            session.add(row)
            report.added += 1
        else:
            stale = [p.id for p in row.passages]
            batch.affected |= retire_passages(session, stale)
            batch.stale.extend(stale)
            row.passages.clear()
            session.flush()  # delete old rows before new ones reuse their seq numbers
            row.ingested_at = utcnow()  # its text is new: evidence newer than past verdicts
            report.updated += 1
        _set_meta(row, doc)
        row.text, row.content_hash = doc.text, digest
        for seq, span in enumerate(passage_spans(doc.text, passage_chars)):
            passage = Passage(
                seq=seq,
                start=span.start,
                end=span.end,
                text=span.text,
                text_hash=text_hash(span.text),
            )
            if next_id is not None:
                passage.id, next_id = next_id, next_id + 1
            row.passages.append(passage)
            batch.fresh.append(passage)
    session.flush()
    renumber_matches(session, batch.affected)
    report.passages += len(batch.fresh)
    report.affected |= batch.affected
    return batch


@dataclass(frozen=True)
class Deleted:
    """What :func:`delete_documents` deleted, and the claims whose evidence lost passages."""

    documents: int
    passages: list[int]
    claims: set[int]


def delete_documents(session: Session, uris: Iterable[str]) -> Deleted:
    """Delete documents by uri (their passages and matches go with them); the passages a
    reviewer cited are kept as removed citations, and the ranks of the evidence left are
    renumbered. Uris not held are ignored."""
    rows = list(
        session.scalars(
            sa.select(Document)
            .where(Document.uri.in_(list(uris)))
            .options(selectinload(Document.passages))
        )
    )
    stale = [p.id for row in rows for p in row.passages]
    affected = retire_passages(session, stale)
    for row in rows:
        session.delete(row)
    session.flush()
    renumber_matches(session, affected)
    return Deleted(len(rows), stale, affected)


def passage_ids(session: Session) -> set[int]:
    """Every passage id in the database."""
    return set(session.scalars(sa.select(Passage.id)))


def passage_count(session: Session) -> int:
    """How many passages the database holds."""
    return int(session.scalar(sa.select(sa.func.count()).select_from(Passage)) or 0)


def passage_texts(session: Session, ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """``(id, source title, text)`` of the given passages."""
    query = (
        sa.select(Passage.id, Document.title, Passage.text)
        .join(Document, Document.id == Passage.document_id)
        .where(Passage.id.in_(list(ids)))
    )
    return [(pid, title, text) for pid, title, text in session.execute(query)]


@dataclass(frozen=True)
class SourceRow:
    """A stored source document, as the sources list shows it."""

    id: int
    uri: str
    title: str
    outlet: str | None
    url: str | None
    published: date | None
    format: str
    passages: int
    ingested_at: datetime


def list_sources(
    session: Session, search: str = "", limit: int = 100, offset: int = 0
) -> tuple[list[SourceRow], int]:
    """Sources by title, with their passage counts, and how many there are in all.

    Args:
        search: words (as typed, case-insensitive) the title, outlet, URL or path contains.
    """
    where: sa.ColumnElement[bool] = sa.true()
    if search.strip():
        pattern = contains_pattern(search.strip())
        where = sa.or_(
            *(
                column.ilike(pattern, escape="\\")
                for column in (Document.title, Document.outlet, Document.url, Document.uri)
            )
        )
    counts = (
        sa.select(Passage.document_id, sa.func.count(Passage.id).label("passages"))
        .group_by(Passage.document_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(
            Document.id,
            Document.uri,
            Document.title,
            Document.outlet,
            Document.url,
            Document.published,
            Document.format,
            Document.ingested_at,
            counts.c.passages,
        )
        .outerjoin(counts, counts.c.document_id == Document.id)
        .where(where)
        .order_by(Document.title, Document.id)
        .limit(limit)
        .offset(offset)
    )
    total = session.scalar(sa.select(sa.func.count()).select_from(Document).where(where)) or 0
    return [
        SourceRow(
            row.id,
            row.uri,
            row.title,
            row.outlet,
            row.url,
            row.published,
            row.format,
            int(row.passages or 0),
            row.ingested_at,
        )
        for row in rows
    ], int(total)


def find_documents(session: Session, keys: Iterable[str]) -> dict[str, list[str]]:
    """The uris of the documents each key names: its uri, its web URL (as shown with the
    evidence), or a path (a file, every row of a CSV/JSONL file, or every file under a
    folder). A key that names nothing maps to ``[]``."""
    found: dict[str, list[str]] = {}
    for key in keys:
        key = key.strip()
        names = {key, key.rstrip("/"), key.rstrip("/") + "/"} - {""}
        path = str(Path(key).expanduser().resolve()) if key and "://" not in key else None
        where: list[sa.ColumnElement[bool]] = [Document.uri.in_(names), Document.url.in_(names)]
        if path is not None:
            where += [
                Document.uri == path,
                Document.uri.startswith(path + "#", autoescape=True),
                Document.uri.startswith(path.rstrip(os.sep) + os.sep, autoescape=True),
            ]
        found[key] = list(
            session.scalars(sa.select(Document.uri).where(sa.or_(*where)).order_by(Document.uri))
        )
    return found
