"""The embedding cache, kept in the database next to the data it speeds up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from verifier.db.models import Embedding

_CHUNK = 500


class DbVectorCache:
    """Vectors by (model, text hash), read and written in the caller's session.

    Using the caller's session keeps cache rows in the same transaction as the passages they
    belong to, and avoids a second writer on SQLite.
    """

    def __init__(self, session: Session, hold: bool = False) -> None:
        self.session = session
        #: With ``hold``, new vectors are kept here instead of written, so the session can stay
        #: read-only; :meth:`write` stores them later in a short write transaction.
        self.hold = hold
        self.held: dict[str, dict[str, np.ndarray]] = {}

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), _CHUNK):
            chunk = hashes[start : start + _CHUNK]
            rows = self.session.execute(
                sa.select(Embedding.text_hash, Embedding.vector).where(
                    Embedding.model == model, Embedding.text_hash.in_(chunk)
                )
            )
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def write(self, session: Session) -> None:
        """Store the vectors held so far in ``session`` (a write transaction)."""
        for model, vectors in self.held.items():
            DbVectorCache(session).put_many(model, vectors)
        self.held = {}

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        if self.hold:
            self.held.setdefault(model, {}).update(vectors)
            return
        # INSERT ... ON CONFLICT DO NOTHING: two processes scoring the same claims at once
        # (several reviewers on PostgreSQL) must not fail on each other's cache rows.
        dialect = self.session.get_bind().dialect.name
        rows: list[dict[str, Any]] = [
            {
                "model": model,
                "text_hash": key,
                "dim": int(vector.shape[0]),
                "vector": np.asarray(vector, dtype=np.float32).tobytes(),
            }
            for key, vector in vectors.items()
        ]
        for start in range(0, len(rows), _CHUNK):
            part = rows[start : start + _CHUNK]
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            self.session.execute(insert(Embedding).values(part).on_conflict_do_nothing())
