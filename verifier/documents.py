"""Store source documents and their passages in the database (the index is :mod:`corpus`'s job).

Storing is idempotent: a document is keyed by its uri (the file path, or ``path#row`` for table
rows); unchanged text is left alone (metadata is updated), changed text replaces that
document's passages, and a text already held under another uri is skipped as a duplicate.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from verifier.db.models import Document, Passage
from verifier.passages import split_passages
from verifier.sentences import Span
from verifier.sources import SourceDoc
from verifier.text import text_hash

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

    def summary(self) -> str:
        parts = [
            f"{self.added} added",
            f"{self.updated} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicate(s) skipped")
        return f"documents: {', '.join(parts)}; {self.passages} passage(s) indexed"


@dataclass
class StoredBatch:
    """Passages a batch of documents added (flushed: they have ids) and the ids it dropped."""

    fresh: list[Passage] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)


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
            batch.stale.extend(p.id for p in row.passages)
            row.passages.clear()
            session.flush()  # delete old rows before new ones reuse their seq numbers
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
            row.passages.append(passage)
            batch.fresh.append(passage)
    session.flush()
    report.passages += len(batch.fresh)
    return batch


def delete_documents(session: Session, uris: Iterable[str]) -> tuple[int, list[int]]:
    """Delete documents by uri (their passages and matches go with them).

    Returns:
        ``(documents deleted, passage ids deleted)``; uris not held are ignored.
    """
    rows = list(
        session.scalars(
            sa.select(Document)
            .where(Document.uri.in_(list(uris)))
            .options(selectinload(Document.passages))
        )
    )
    stale = [p.id for row in rows for p in row.passages]
    for row in rows:
        session.delete(row)
    return len(rows), stale


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
