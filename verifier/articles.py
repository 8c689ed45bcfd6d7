"""Store an article and the claims extracted from it."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from verifier.claims import extract_claims
from verifier.db.models import Article, Claim
from verifier.embed import text_hash
from verifier.errors import InputError
from verifier.sources import first_line_title, read_html_doc, read_text_doc, read_text_file
from verifier.workbench import Workbench


def read_article(path: Path, max_bytes: int) -> tuple[str, str]:
    """``(title, text)`` of an article file (.txt, .md or .html), checked like a source."""
    suffix = path.suffix.lower()
    if suffix not in {".txt", ".md", ".markdown", ".html", ".htm"}:
        raise InputError(f"{path}: articles must be .txt, .md or .html, not {suffix or '(none)'}")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    raw = read_text_file(path, max_bytes)
    doc = read_html_doc(path, raw) if suffix in {".html", ".htm"} else read_text_doc(path, raw)
    return doc.title, doc.text


def add_article(
    bench: Workbench,
    text: str,
    title: str | None = None,
    uri: str | None = None,
    threshold: float | None = None,
) -> Article:
    """Save ``text`` as an article with its check-worthy claims (idempotent by content).

    Saving the same text again keeps the stored article and its claims (and their reviews);
    claims that pass this call's threshold and are not stored yet are added, so a lower
    ``threshold`` extends the list. Nothing is ever removed here.

    Raises:
        InputError: the text is empty, or neither it nor the stored article has a claim.
    """
    if not text.strip():
        raise InputError("the article is empty")
    digest = text_hash(text)
    found = extract_claims(
        text, bench.settings.min_checkworthiness if threshold is None else threshold
    )
    with bench.session() as session:
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
        article.claims.sort(key=lambda claim: claim.start or 0)
        return article
