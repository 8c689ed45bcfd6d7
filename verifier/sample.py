"""The sample corpus shipped in ``sample_corpus/``, loaded so a new user sees results at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from verifier.articles import add_article, read_article
from verifier.config import Settings
from verifier.db.models import Article, Document
from verifier.errors import VerifierError
from verifier.ingest import IngestReport, ingest_paths
from verifier.match import match_claims
from verifier.workbench import Workbench


def sample_dir(settings: Settings) -> Path:
    """The sample corpus: ``sample_corpus/`` beside the package unless settings name one."""
    folder = settings.sample_dir or Path(__file__).resolve().parents[1] / "sample_corpus"
    if not (folder / "sources").is_dir() or not (folder / "article.md").is_file():
        raise VerifierError(
            f"sample corpus not found in {folder}; install the project with `pip install -e .` "
            "from its checkout or set VERIFIER_SAMPLE_DIR"
        )
    return folder


@dataclass
class SampleLoad:
    report: IngestReport
    article_id: int
    claims: int


def is_empty(bench: Workbench) -> bool:
    """True when no source and no article has been stored yet."""
    with bench.session() as session:
        return not (
            session.scalar(sa.select(sa.func.count()).select_from(Document))
            or session.scalar(sa.select(sa.func.count()).select_from(Article))
        )


def load_sample_if_empty(bench: Workbench) -> SampleLoad | None:
    """Load the sample on first start: when nothing is stored yet. ``None`` otherwise."""
    return load_sample(bench) if is_empty(bench) else None


def load_sample(bench: Workbench) -> SampleLoad:
    """Ingest the sample sources, extract the sample article's claims and match them."""
    folder = sample_dir(bench.settings)
    report = ingest_paths(bench, [folder / "sources"])
    title, text = read_article(folder / "article.md", bench.settings.max_file_bytes)
    article = add_article(bench, text, title=title, uri=str(folder / "article.md"))
    matched = match_claims(bench, article_id=article.id)
    return SampleLoad(report, article.id, len(matched))
