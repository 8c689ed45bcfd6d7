"""What a fact-check page says about itself in schema.org markup: the ClaimReview objects of
its JSON-LD scripts (the claim checked, its rating, who checked it and when), as fact-checkers
publish them for search engines. :func:`verifier.sources.read_html_doc` puts the claim and
the rating first in the page's text, as a desk's own fact-check states them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup

from verifier.text import one_line


@dataclass(frozen=True)
class ClaimReviewMarkup:
    """What a fact-check page's schema.org ClaimReview says: the claim checked, its rating,
    who checked it and when."""

    claim: str | None
    rating: str | None
    author: str | None
    published: str | None

    def lines(self) -> list[str]:
        """``"Claim: ..."`` and ``"Rating: ..."``, as a desk's own fact-check states them."""
        found = [f"Claim: {self.claim}"] if self.claim else []
        if self.rating:
            found.append(f"Rating: {self.rating}" + ("" if self.rating[-1] in ".!?" else "."))
        return found


def claim_reviews(soup: BeautifulSoup) -> list[ClaimReviewMarkup]:
    """The ClaimReview objects in a page's JSON-LD scripts (top level, in a list or an
    ``@graph``), in order; a script that is not valid JSON is passed over."""
    found: list[ClaimReviewMarkup] = []
    for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        try:
            data = json.loads(script.get_text() or "null", strict=False)  # raw newlines too
        except (ValueError, RecursionError):
            continue
        for item in _json_ld_items(data):
            kinds = item.get("@type")
            if "ClaimReview" not in (kinds if isinstance(kinds, list) else [kinds]):
                continue
            rating = item.get("reviewRating")
            if isinstance(rating, dict):
                rating = rating.get("alternateName") or rating.get("name")
            review = ClaimReviewMarkup(
                claim=one_line(_plain(item.get("claimReviewed"))),
                rating=one_line(_plain(rating)),
                author=one_line(_plain(_name(item.get("author")))),
                published=one_line(_plain(item.get("datePublished"))),
            )
            if review.claim or review.rating:
                found.append(review)
    return found


def _json_ld_items(data: object, depth: int = 0) -> Iterator[dict[str, object]]:
    """The objects of a JSON-LD document: itself, a list's items, an ``@graph``'s."""
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_items(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _json_ld_items(data.get("@graph"), depth + 1)


def _name(value: object) -> object:
    """An author given as an object (or a list of them): its name."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value.get("name") if isinstance(value, dict) else value


def _plain(value: object) -> str | None:
    """A JSON-LD value as text, when it is text or a number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value)
