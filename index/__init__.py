"""The passage indexes: FAISS over vectors (saved with a manifest) and BM25 over words
(tantivy), both keyed by passage id."""

from index.lexical import LexicalIndex, LexicalWriter
from index.store import IndexStoreError, PassageIndex

__all__ = ["IndexStoreError", "LexicalIndex", "LexicalWriter", "PassageIndex"]
