"""A BM25 index of passage words (tantivy), keyed by passage id, beside the FAISS index.

Each passage is one tantivy document with its database id (an indexed fast field, so it is
deleted by term and listed without reading stored documents), its source's title and its
text, the title a field of its own so that a query can weigh it apart. Both fields go through
one English analyzer: words split on non-alphanumerics, lower-cased, stop words dropped,
stemmed (the best of the variants measured in ``benchmarks/bench_quality.py``).

tantivy commits atomically (a new ``meta.json`` is written and renamed), so a crash leaves the
last commit. Writes go through :class:`LexicalWriter`, which the caller holds under its own
lock: tantivy allows one writer per index across processes.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import tantivy

from index.store import IndexStoreError

ANALYZER = "verifier_en"
#: Memory for a writer's indexing buffer, in bytes (tantivy's floor is 15 MB a thread).
_WRITER_HEAP = 64_000_000
_FIELDS = ("id", "title", "text")


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("title", tokenizer_name=ANALYZER)
    builder.add_text_field("text", tokenizer_name=ANALYZER)
    return builder.build()


def _analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("english"))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


class LexicalIndex:
    """BM25 search over passage titles and texts.

    Use :meth:`open`. Searching is safe from many threads; :meth:`reload` makes the searcher
    see what a writer (in this process or another) has committed since.
    """

    def __init__(self, raw: tantivy.Index, folder: Path) -> None:
        self._raw = raw
        self.folder = folder
        self._analyzer = _analyzer()
        raw.register_tokenizer(ANALYZER, self._analyzer)

    @classmethod
    def open(cls, folder: Path) -> LexicalIndex:
        """The index in ``folder``, created empty when the folder holds none.

        Raises:
            IndexStoreError: the folder holds something tantivy cannot read, or an index of
                other fields.
        """
        folder.mkdir(parents=True, exist_ok=True)
        try:
            raw = tantivy.Index(_schema(), path=str(folder), reuse=True)
        except (OSError, ValueError) as error:
            raise IndexStoreError(
                f"the word index in {folder} cannot be read ({_first_line(error)}); "
                "run `verifier index rebuild` to make it again from the database"
            ) from error
        return cls(raw, folder)

    @classmethod
    def create(cls, folder: Path) -> LexicalIndex:
        """A new, empty index in ``folder`` (whatever was there is deleted)."""
        if folder.exists():
            shutil.rmtree(folder)
        return cls.open(folder)

    @staticmethod
    def saved_stamp(folder: Path) -> tuple[int, int, int] | None:
        """Identity of the last commit in ``folder`` (``None`` if there is none): tantivy
        renames a new ``meta.json`` into place with each commit."""
        try:
            stat = (folder / "meta.json").stat()
        except FileNotFoundError:
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def reload(self) -> None:
        """See the latest commit."""
        self._raw.reload()

    def __len__(self) -> int:
        return int(self._raw.searcher().num_docs)

    def ids(self) -> set[int]:
        """Every passage id in the index."""
        searcher = self._raw.searcher()
        total = int(searcher.num_docs)
        if total == 0:
            return set()
        hits = searcher.search(tantivy.Query.all_query(), total).hits
        values = searcher.fast_field_values("id", [address for _, address in hits])
        return {int(value) for value in values if value is not None}

    def terms(self, text: str) -> list[str]:
        """The distinct index terms of ``text``, in order (what a query looks for)."""
        return list(dict.fromkeys(self._analyzer.analyze(text)))

    def search(
        self, texts: Sequence[str], k: int, title_boost: float = 1.0
    ) -> list[list[tuple[int, float]]]:
        """Top-``k`` ``(passage id, BM25 score)`` for each text, best first.

        The query is the text's terms, each matched in the text and (weighted
        ``title_boost``) the title; no query syntax is read from the text.
        """
        searcher = self._raw.searcher()
        schema = self._raw.schema
        found: list[list[tuple[int, float]]] = []
        for text in texts:
            clauses = []
            for term in self.terms(text):
                clauses.append(
                    (tantivy.Occur.Should, tantivy.Query.term_query(schema, "text", term))
                )
                if title_boost > 0:
                    title = tantivy.Query.term_query(schema, "title", term)
                    if title_boost != 1:
                        title = tantivy.Query.boost_query(title, title_boost)
                    clauses.append((tantivy.Occur.Should, title))
            if not clauses or k <= 0:
                found.append([])
                continue
            hits = searcher.search(tantivy.Query.boolean_query(clauses), k).hits
            ids = searcher.fast_field_values("id", [address for _, address in hits])
            found.append(
                [(int(pid), float(score)) for (score, _), pid in zip(hits, ids) if pid is not None]
            )
        return found

    def writer(self) -> LexicalWriter:
        """The index's one writer; the caller serialises writers (a file lock)."""
        try:
            raw = self._raw.writer(_WRITER_HEAP, 1)
        except ValueError as error:  # tantivy's own lock is held by another writer
            raise IndexStoreError(f"the word index in {self.folder} is busy: {error}") from error
        return LexicalWriter(self, raw)


class LexicalWriter:
    """Adds and removes passages; nothing is visible until :meth:`commit`."""

    def __init__(self, index: LexicalIndex, raw: tantivy.IndexWriter) -> None:
        self._index = index
        self._raw = raw
        #: Whether passages were added or removed since the last commit.
        self.changed = False

    def add(self, ids: Sequence[int], titles: Sequence[str], texts: Sequence[str]) -> None:
        """Add passages; an id already present is replaced, not duplicated."""
        self.remove(ids)
        for pid, title, text in zip(ids, titles, texts, strict=True):
            self._raw.add_document(tantivy.Document(id=int(pid), title=title or "", text=text))
            self.changed = True

    def remove(self, ids: Sequence[int] | set[int]) -> None:
        """Remove passages by id (absent ids are ignored)."""
        for pid in ids:
            self._raw.delete_documents_by_term("id", int(pid))
            self.changed = True

    def clear(self) -> None:
        self._raw.delete_all_documents()
        self.changed = True

    def commit(self) -> None:
        """Make the changes durable, and visible to searchers after a reload."""
        if self.changed:
            self._raw.commit()
            self.changed = False
            self._index.reload()

    def close(self) -> None:
        """Drop what was not committed and release tantivy's writer lock."""
        self._raw.rollback()
        self._raw.wait_merging_threads()


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
