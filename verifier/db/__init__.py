"""Database: typed SQLAlchemy 2 models, engine/session set-up and Alembic migrations."""

from verifier.db.models import (
    Article,
    Base,
    Claim,
    Document,
    Embedding,
    Match,
    Passage,
    Verdict,
    VerdictChange,
)
from verifier.db.session import connect, upgrade

__all__ = [
    "Article",
    "Base",
    "Claim",
    "Document",
    "Embedding",
    "Match",
    "Passage",
    "Verdict",
    "VerdictChange",
    "connect",
    "upgrade",
]
