"""FAISS index of passage vectors, keyed by passage id, saved with a manifest."""

from index.store import IndexStoreError, PassageIndex

__all__ = ["IndexStoreError", "PassageIndex"]
