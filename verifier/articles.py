"""Store an article and the claims extracted from it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from verifier.accounts import acting_name
from verifier.claim_lists import Appearance
from verifier.claims import ExtractedClaim
from verifier.db.limits import check_lengths
from verifier.db.models import Article, Claim, ClaimChange, Verdict, as_utc
from verifier.errors import InputError
from verifier.readers import read_bytes
from verifier.sources import (
    IMAGE_SUFFIXES,
    MAIL_SUFFIXES,
    OFFICE_SUFFIXES,
    parse_date,
    read_doc,
    read_mail_body,
)
from verifier.text import first_line_title, text_hash, web_address

#: What an article file may be: a text, a page, a PDF, a word processor's document, or an
#: email (its own text: a chain email, a newsletter).
ARTICLE_SUFFIXES = {
    *(".txt", ".md", ".markdown", ".html", ".htm", ".pdf"),
    *OFFICE_SUFFIXES,
    *MAIL_SUFFIXES,
    *IMAGE_SUFFIXES,  # a screenshot of a post going round, read by OCR
}
#: The kinds of article file, as messages name them.
ARTICLE_KINDS = ".txt, .md, .html, .pdf, .docx, .doc, .odt, .rtf, .eml, .msg or an image"
#: The longest article accepted (about 30,000 words; a long feature is a tenth of that).
MAX_ARTICLE_CHARS = 200_000


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
    language: str = "en"


def read_article(
    path: Path, max_bytes: int, encoding: str | None = None
) -> tuple[str, str, ArticleMeta]:
    """``(title, text, details)`` of an article file (:data:`ARTICLE_KINDS`), checked like a
    source; the details (url, outlet, date) come from its front matter or page metadata (an
    email's: its sender and the day sent, its subject the title).

    Raises:
        InputError: the file cannot be used, or its url or date is malformed.
    """
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise InputError(f"{path}: articles must be {ARTICLE_KINDS}, not {suffix or '(none)'}")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    data = read_bytes(path, max_bytes)
    if suffix in MAIL_SUFFIXES:  # its body, from its sender on the day sent
        doc = read_mail_body(path, data, max_bytes, encoding)
    else:
        doc = read_doc(path, data, suffix, max_bytes, encoding)
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
    language: str | None = None,
    allow_empty: bool = False,
) -> StoredArticle:
    """Save ``text`` as an article with the claims ``found`` in it (idempotent by content).

    Saving the same text again keeps the stored article and its claims (and their reviews);
    claims in ``found`` that are not stored yet are added, so extracting with a lower
    threshold extends the list, and the ``meta`` fields given replace the stored ones.
    Nothing is ever removed here.

    Args:
        language: ISO 639-1 code of the text.
        allow_empty: store an article in which no claim was found (the app does, so a
            reviewer can pick claims by hand).

    Raises:
        InputError: the text is empty or too long, or (unless ``allow_empty``) neither
            ``found`` nor the stored article has a claim.
    """
    check_article_text(text)
    fields = {"title": title, "uri": uri, **(meta.__dict__ if meta is not None else {})}
    check_lengths(Article, fields, "the article")
    digest = text_hash(text)
    article = session.scalar(
        sa.select(Article)
        .where(Article.content_hash == digest)
        .options(selectinload(Article.claims))
    )
    if article is None:
        if not found and not allow_empty:
            raise InputError(
                "no check-worthy sentence found in the article; lower the threshold "
                "(--min-score) to see more"
            )
        article = Article(
            title=title or first_line_title(text, "Untitled article"),
            uri=uri,
            text=text,
            content_hash=digest,
            language=language,
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
    return _stored(article)


def set_appearances(session: Session, seen: Mapping[int, Appearance]) -> None:
    """Record where claims were seen: ``seen`` maps a claim id to where it appeared, who
    made it there and when (:class:`~verifier.claim_lists.Appearance`)."""
    for claim in session.scalars(sa.select(Claim).where(Claim.id.in_(list(seen)))):
        for name, value in seen[claim.id].fields().items():
            setattr(claim, name, value)


def _stored(article: Article) -> StoredArticle:
    claims = sorted(article.claims, key=lambda claim: claim.start or 0)
    return StoredArticle(
        article.id,
        article.title,
        [StoredClaim(c.id, c.text, c.start, c.end, c.checkworthiness) for c in claims],
        article.language or "en",
    )


def check_article_text(text: str) -> None:
    """Raises :class:`InputError` for an empty article or one over the size limit."""
    if not text.strip():
        raise InputError("the article is empty")
    if len(text) > MAX_ARTICLE_CHARS:
        raise InputError(
            f"the article is {len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,}: "
            "split it into parts and check each"
        )


def find_span(text: str, snippet: str, after: int = 0) -> tuple[int, int] | None:
    """Where ``snippet`` stands in ``text`` (from ``after`` on): verbatim, or with the
    spacing and line breaks of a copy from the page differing. ``None`` when it is not there."""
    snippet = snippet.strip()
    if not snippet:
        return None
    at = text.find(snippet, after)
    if at != -1:
        return at, at + len(snippet)
    pattern = r"\s+".join(re.escape(word) for word in snippet.split())
    found = re.compile(pattern).search(text, after)
    return (found.start(), found.end()) if found else None


def article_text(session: Session, article_id: int) -> str:
    """The stored text of an article.

    Raises:
        InputError: no such article.
    """
    return _article(session, article_id).text


def _article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise InputError(f"there is no article #{article_id}")
    return article


def _claim(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise InputError(f"there is no claim #{claim_id}")
    return claim


def _unreviewed(session: Session, claim: Claim, doing: str) -> None:
    label = session.scalar(sa.select(Verdict.label).where(Verdict.claim_id == claim.id))
    if label is not None:
        raise InputError(
            f"claim #{claim.id} has a reviewer's verdict ({label.value}); it cannot be "
            f"{doing}, so the verdict keeps what was reviewed"
        )


def _not_held(session: Session, article_id: int, text: str, but: int | None = None) -> None:
    held = session.scalar(
        sa.select(Claim.id).where(
            Claim.article_id == article_id, Claim.text_hash == text_hash(text), Claim.id != but
        )
    )
    if held is not None:
        raise InputError(f"the article already has this claim (#{held})")


def add_claim(session: Session, article_id: int, snippet: str, by: str) -> int:
    """Make the words ``snippet`` of the article a claim, picked by hand by ``by``
    (check-worthiness 1.0: a person judged it worth checking), kept as a claim change.
    Returns the new claim's id.

    Raises:
        InputError: no ``by`` name (with accounts in use: no active account's), no such
            article, the words are not in it, or are a claim already.
    """
    by = _changer(session, by)
    article = _article(session, article_id)
    span = find_span(article.text, snippet)
    if span is None:
        raise InputError(
            "those words are not in the article; copy them from the article's text as shown"
        )
    words = article.text[span[0] : span[1]]
    check_lengths(Claim, {"text": words}, "the claim")
    _not_held(session, article_id, words)
    claim = Claim(
        article_id=article_id,
        text=words,
        text_hash=text_hash(words),
        start=span[0],
        end=span[1],
        checkworthiness=1.0,
    )
    session.add(claim)
    session.flush()
    _kept(session, claim, "added", by, None, words)
    return claim.id


def edit_claim(session: Session, claim_id: int, text: str, by: str) -> None:
    """Change a claim's words (its place in the article stays), as ``by``, kept as a claim
    change with the words before and after (words as they were: nothing to keep).

    Raises:
        InputError: no ``by`` name (or, with accounts in use, no active account's), no such
            claim, empty text, a claim with a reviewer's verdict, or the article has that
            claim already.
    """
    by = _changer(session, by)
    claim = _claim(session, claim_id)
    text = " ".join(text.split())
    if not any(char.isalnum() for char in text):
        raise InputError("a claim needs words; to remove it, drop it")
    _unreviewed(session, claim, "edited")
    if claim.article_id is not None:
        _not_held(session, claim.article_id, text, but=claim.id)
    if text != claim.text:
        _kept(session, claim, "edited", by, claim.text, text)
    claim.text, claim.text_hash = text, text_hash(text)


def drop_claim(session: Session, claim_id: int, by: str) -> None:
    """Remove a claim that is not one (its matches and suggestion go with it), as ``by``;
    its words are kept as a claim change.

    Raises:
        InputError: no ``by`` name (or, with accounts in use, no active account's), no such
            claim, or it has a reviewer's verdict (kept, with its history).
    """
    by = _changer(session, by)
    claim = _claim(session, claim_id)
    _unreviewed(session, claim, "dropped")
    _kept(session, claim, "dropped", by, claim.text, None)
    session.delete(claim)


@dataclass(frozen=True)
class ClaimChangeView:
    """A claim added by hand, edited or dropped: by whom, when, its words before and after."""

    claim_id: int
    action: str  # added / edited / dropped
    changed_by: str
    changed_at: datetime
    from_text: str | None
    to_text: str | None


def claim_changes(session: Session, article_id: int) -> list[ClaimChangeView]:
    """Every claim change of the article, newest first (dropped claims' included)."""
    query = (
        sa.select(ClaimChange)
        .where(ClaimChange.article_id == article_id)
        .order_by(ClaimChange.id.desc())
    )
    return [
        ClaimChangeView(
            row.claim_id,
            row.action,
            row.changed_by,
            as_utc(row.changed_at),
            row.from_text,
            row.to_text,
        )
        for row in session.scalars(query)
    ]


def _changer(session: Session, by: str) -> str:
    """The name a claim change is kept under (see :func:`verifier.accounts.acting_name`)."""
    by = " ".join(by.split())
    if not by:
        raise InputError("enter your name as reviewer before changing claims")
    check_lengths(ClaimChange, {"changed_by": by}, "the reviewer's name")
    return acting_name(session, by, "claims are changed")


def _kept(
    session: Session, claim: Claim, action: str, by: str, before: str | None, after: str | None
) -> None:
    session.add(
        ClaimChange(
            claim_id=claim.id,
            article_id=claim.article_id,
            action=action,
            changed_by=by,
            from_text=before,
            to_text=after,
        )
    )
