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

import json
import shutil
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path

import tantivy

from index.store import IndexStoreError

ANALYZER = "verifier_en"
#: Memory for a writer's indexing buffer, in bytes (tantivy's floor is 15 MB a thread).
_WRITER_HEAP = 64_000_000
_FIELDS = ("id", "title", "text")
_FOOTER_MAGIC = 1337
_META_MAX = 16 * 1024 * 1024


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

    @staticmethod
    def verify(folder: Path) -> list[str]:
        """Problems with the committed index's content (empty when it is whole).

        Every file of every segment that ``meta.json`` lists ends with tantivy's footer, which
        holds a CRC32 of the file's body: each is read and checked, as tantivy's own
        ``validate_checksum`` does. Nothing is changed.
        """
        meta_path = folder / "meta.json"
        if not folder.exists():
            return []  # nothing committed yet (a missing index is drift, not damage)
        if not folder.is_dir() or not meta_path.exists():
            return [f"{folder} holds no word index"]
        try:
            segments = [s["segment_id"].replace("-", "") for s in _read_meta(meta_path)]
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            return [f"{meta_path} is not a word index's meta.json ({_first_line(error)})"]
        problems = []
        for segment in segments:
            files = sorted(folder.glob(f"{segment}.*"))
            if not files:
                problems.append(f"{folder}: segment {segment} listed in meta.json is missing")
            problems += [f"{path}: {why}" for path in files if (why := _footer_problem(path))]
        return problems

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


def _read_meta(path: Path) -> list[dict[str, str]]:
    with open(path, "rb") as handle:
        raw = handle.read(_META_MAX + 1)
    if len(raw) > _META_MAX:
        raise ValueError("too large")
    segments = json.loads(raw.decode("utf-8"))["segments"]
    if not isinstance(segments, list):
        raise ValueError("no list of segments")
    return segments


def _footer_problem(path: Path) -> str | None:
    """Why a segment file fails tantivy's footer check (``None`` when it passes).

    The footer is ``{"version": ..., "crc": N}`` as JSON, then its length and the magic
    number 1337, both little-endian u32; the CRC32 covers the bytes before the footer.
    """
    data = path.read_bytes()
    if len(data) < 8:
        return "too short to be a segment file"
    length, magic = struct.unpack("<II", data[-8:])
    if magic != _FOOTER_MAGIC or length + 8 > len(data):
        return "has no valid footer (truncated or damaged)"
    try:
        crc = json.loads(data[-8 - length : -8])["crc"]
    except (ValueError, KeyError, TypeError):
        return "has an unreadable footer"
    if zlib.crc32(data[: -8 - length]) != crc:
        return "does not match its checksum (changed or damaged)"
    return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
