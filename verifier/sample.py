"""The sample corpus shipped in ``sample_corpus/``: where it is, and whether to load it.

Loading it (ingest the sources, check the article) is :func:`verifier.pipeline.load_sample`.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.config import Settings
from verifier.db.models import Article, Document
from verifier.errors import VerifierError


def sample_dir(settings: Settings) -> Path:
    """The sample corpus: ``sample_corpus/`` beside the package unless settings name one.

    Raises:
        VerifierError: the folder lacks ``sources/`` or ``article.md``.
    """
    folder = settings.sample_dir or Path(__file__).resolve().parents[1] / "sample_corpus"
    if not (folder / "sources").is_dir() or not (folder / "article.md").is_file():
        raise VerifierError(
            f"sample corpus not found in {folder}; install the project with `pip install -e .` "
            "from its checkout or set VERIFIER_SAMPLE_DIR"
        )
    return folder


def is_empty(session: Session) -> bool:
    """True when no source and no article has been stored yet."""
    return not (
        session.scalar(sa.select(sa.func.count()).select_from(Document))
        or session.scalar(sa.select(sa.func.count()).select_from(Article))
    )
