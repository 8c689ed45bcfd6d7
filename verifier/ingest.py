"""Ingest sources: files -> documents -> passages -> embeddings -> index.

Every file is read and checked before anything is written, so one bad file stops the run
with nothing half-ingested. Re-ingesting is idempotent: a document is keyed by its uri (the
file path, or ``path#row`` for table rows); unchanged text is skipped, changed text replaces
that document's passages (old vectors are removed from the index, new ones added, no rebuild),
and a text already held under another uri is skipped as a duplicate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from verifier.cache import DbVectorCache
from verifier.db.models import Document, Passage
from verifier.embed import text_hash
from verifier.passages import split_passages
from verifier.sentences import Span
from verifier.sources import SourceDoc, read_sources
from verifier.workbench import Workbench

log = logging.getLogger(__name__)

_BATCH = 256  # documents per database transaction


@dataclass
class IngestReport:
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


def ingest_paths(
    bench: Workbench,
    paths: Iterable[Path],
    progress: Callable[[int], None] | None = None,
    **defaults: str | None,
) -> IngestReport:
    """Read every file under ``paths`` (all of them, first), then store and index them.

    Args:
        bench: the open workbench.
        paths: files and folders.
        progress: called with the number of passages just embedded.
        defaults: ``outlet``, ``url``, ``title``, ``date`` for documents that lack them.

    Raises:
        InputError: a file cannot be used; nothing has been written.
    """
    docs = list(read_sources(paths, bench.settings.max_file_bytes, **defaults))
    return ingest_docs(bench, docs, progress)


_META = ("title", "outlet", "url", "published", "format")


def _set_meta(row: Document, doc: SourceDoc) -> bool:
    """Copy ``doc``'s metadata onto ``row``. Returns whether anything changed."""
    changed = [key for key in _META if getattr(row, key) != getattr(doc, key)]
    for key in changed:
        setattr(row, key, getattr(doc, key))
    return bool(changed)


def ingest_docs(
    bench: Workbench,
    docs: Sequence[SourceDoc],
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Store ``docs`` and index their passages (see the module notes on idempotency)."""
    report = IngestReport()
    with bench.writing() as index:
        for start in range(0, len(docs), _BATCH):
            stale, ids, vectors = _ingest_batch(
                bench, docs[start : start + _BATCH], report, progress
            )
            # The batch is committed; the index follows and is saved when writing() ends.
            # A crash in between leaves passages the index lacks, which open() repairs.
            report.removed_passages += index.remove(stale)
            index.add(ids, vectors)
    return report


def _ingest_batch(
    bench: Workbench,
    docs: Sequence[SourceDoc],
    report: IngestReport,
    progress: Callable[[int], None] | None,
) -> tuple[list[int], np.ndarray, np.ndarray]:
    stale: list[int] = []
    fresh: list[Passage] = []
    with bench.session() as session:
        uris = [doc.uri for doc in docs]
        hashes = {doc.uri: text_hash(doc.text) for doc in docs}
        existing = {
            row.uri: row
            for row in session.scalars(
                sa.select(Document)
                .where(Document.uri.in_(uris))
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
                stale.extend(p.id for p in row.passages)
                row.passages.clear()
                session.flush()  # delete old rows before new ones reuse their seq numbers
                report.updated += 1
            _set_meta(row, doc)
            row.text, row.content_hash = doc.text, digest
            spans = split_passages(doc.text, bench.settings.passage_chars) or [
                Span(0, len(doc.text), doc.text)
            ]
            for seq, span in enumerate(spans):
                passage = Passage(
                    seq=seq,
                    start=span.start,
                    end=span.end,
                    text=span.text,
                    text_hash=text_hash(span.text),
                )
                row.passages.append(passage)
                fresh.append(passage)
        session.flush()
        vectors = bench.embedder.embed(
            [p.text for p in fresh], cache=DbVectorCache(session), progress=progress
        )
        ids = np.array([p.id for p in fresh], dtype=np.int64)
    report.passages += len(fresh)
    return stale, ids, vectors


def remove_documents(bench: Workbench, uris: Iterable[str]) -> int:
    """Delete documents (and their passages, from the database and the index).

    Returns:
        how many documents were removed; uris not held are ignored.
    """
    with bench.writing() as index:
        with bench.session() as session:
            rows = list(session.scalars(sa.select(Document).where(Document.uri.in_(list(uris)))))
            stale = [p.id for row in rows for p in row.passages]
            for row in rows:
                session.delete(row)
        index.remove(stale)
    return len(rows)
