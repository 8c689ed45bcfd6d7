"""Database: typed SQLAlchemy 2 models, engine/session set-up, explicit schema upgrades."""

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
from verifier.db.session import Database, open_database, upgrade

__all__ = [
    "Article",
    "Base",
    "Claim",
    "Database",
    "Document",
    "Embedding",
    "Match",
    "Passage",
    "Verdict",
    "VerdictChange",
    "open_database",
    "upgrade",
]
