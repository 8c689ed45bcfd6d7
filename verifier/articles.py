"""Store an article and the claims extracted from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from verifier.claims import ExtractedClaim
from verifier.db.limits import check_lengths
from verifier.db.models import Article, Claim
from verifier.errors import InputError
from verifier.readers import read_text_file
from verifier.sources import parse_date, read_html_doc, read_text_doc
from verifier.text import first_line_title, text_hash, web_address

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}


@dataclass(frozen=True)
class ArticleMeta:
    """What reports cite about an article; ``None`` means not given (kept as stored)."""

    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: date | None = None
    factcheck_url: str | None = None

    @classmethod
    def parse(cls, **given: str | date | None) -> ArticleMeta:
        """From form or command-line values: blanks are dropped, the date is checked.

        Raises:
            InputError: a date that is not ``YYYY-MM-DD``, or a URL that is not http(s).
        """
        clean = {
            key: value.strip() if isinstance(value, str) else value for key, value in given.items()
        }
        clean = {key: value for key, value in clean.items() if value not in (None, "")}
        if "published" in clean:
            clean["published"] = parse_date(clean["published"], "article date")
        for key in ("url", "factcheck_url"):
            if key in clean and not web_address(clean[key]):
                raise InputError(
                    f"article {key.replace('_', '-')} {clean[key]!r} must start with http:// or https://"
                )
        return cls(**clean)  # type: ignore[arg-type]

    def over(self, found: ArticleMeta) -> ArticleMeta:
        """These values, and ``found``'s where these are not given."""
        return ArticleMeta(
            **{
                item.name: getattr(self, item.name)
                if getattr(self, item.name) is not None
                else getattr(found, item.name)
                for item in fields(self)
            }
        )

    def apply(self, article: Article) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if value is not None:
                setattr(article, item.name, value)


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


def read_article(
    path: Path, max_bytes: int, encoding: str | None = None
) -> tuple[str, str, ArticleMeta]:
    """``(title, text, details)`` of an article file (.txt, .md or .html), checked like a
    source; the details (url, outlet, date) come from its front matter or page metadata.

    Raises:
        InputError: the file cannot be used, or its url or date is malformed.
    """
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise InputError(f"{path}: articles must be .txt, .md or .html, not {suffix or '(none)'}")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    raw = read_text_file(path, max_bytes, encoding)
    doc = read_html_doc(path, raw) if suffix in {".html", ".htm"} else read_text_doc(path, raw)
    try:
        meta = ArticleMeta.parse(url=doc.url, outlet=doc.outlet, published=doc.published)
    except InputError as error:
        raise InputError(f"{path}: {error}") from None
    return doc.title, doc.text, meta


def store_article(
    session: Session,
    text: str,
    found: Sequence[ExtractedClaim],
    title: str | None = None,
    uri: str | None = None,
    meta: ArticleMeta | None = None,
) -> StoredArticle:
    """Save ``text`` as an article with the claims ``found`` in it (idempotent by content).

    Saving the same text again keeps the stored article and its claims (and their reviews);
    claims in ``found`` that are not stored yet are added, so extracting with a lower
    threshold extends the list, and the ``meta`` fields given replace the stored ones.
    Nothing is ever removed here.

    Raises:
        InputError: the text is empty, or neither ``found`` nor the stored article has a claim.
    """
    if not text.strip():
        raise InputError("the article is empty")
    fields = {"title": title, "uri": uri, **(meta.__dict__ if meta is not None else {})}
    check_lengths(Article, fields, "the article")
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
    if meta is not None:
        meta.apply(article)
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
