"""Store an article and the claims extracted from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from verifier.claims import ExtractedClaim
from verifier.db.models import Article, Claim
from verifier.errors import InputError
from verifier.readers import read_text_file
from verifier.sources import read_html_doc, read_text_doc
from verifier.text import first_line_title, text_hash

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}


@dataclass(frozen=True)
class StoredClaim:
    """A claim as stored: ``text == article text[start:end]``."""

    id: int
    text: str
    start: int | None
    end: int | None
    checkworthiness: float


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored, with all its claims in reading order."""

    id: int
    title: str
    claims: list[StoredClaim]


def read_article(path: Path, max_bytes: int) -> tuple[str, str]:
    """``(title, text)`` of an article file (.txt, .md or .html), checked like a source."""
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise InputError(f"{path}: articles must be .txt, .md or .html, not {suffix or '(none)'}")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    raw = read_text_file(path, max_bytes)
    doc = read_html_doc(path, raw) if suffix in {".html", ".htm"} else read_text_doc(path, raw)
    return doc.title, doc.text


def store_article(
    session: Session,
    text: str,
    found: Sequence[ExtractedClaim],
    title: str | None = None,
    uri: str | None = None,
) -> StoredArticle:
    """Save ``text`` as an article with the claims ``found`` in it (idempotent by content).

    Saving the same text again keeps the stored article and its claims (and their reviews);
    claims in ``found`` that are not stored yet are added, so extracting with a lower
    threshold extends the list. Nothing is ever removed here.

    Raises:
        InputError: the text is empty, or neither ``found`` nor the stored article has a claim.
    """
    if not text.strip():
        raise InputError("the article is empty")
    digest = text_hash(text)
    article = session.scalar(
        sa.select(Article)
        .where(Article.content_hash == digest)
        .options(selectinload(Article.claims))
    )
    if article is None:
        if not found:
            raise InputError(
                "no check-worthy sentence found in the article; lower --min-score to see more"
            )
        article = Article(
            title=title or first_line_title(text, "Untitled article"),
            uri=uri,
            text=text,
            content_hash=digest,
        )
        session.add(article)
    held = {claim.text_hash for claim in article.claims}
    for claim in found:
        if text_hash(claim.text) not in held:
            article.claims.append(
                Claim(
                    text=claim.text,
                    text_hash=text_hash(claim.text),
                    start=claim.start,
                    end=claim.end,
                    checkworthiness=claim.checkworthiness,
                )
            )
    session.flush()
    claims = sorted(article.claims, key=lambda claim: claim.start or 0)
    return StoredArticle(
        article.id,
        article.title,
        [StoredClaim(c.id, c.text, c.start, c.end, c.checkworthiness) for c in claims],
    )
