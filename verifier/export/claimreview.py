"""schema.org ClaimReview JSON-LD for the claims a desk has reviewed.

One object per reviewed claim, with what Google's fact-check markup requires
(``claimReviewed``, ``reviewRating`` with ``alternateName``, ``url``) and recommends
(``author``, ``datePublished``, ``itemReviewed`` as a ``Claim`` with ``appearance``,
``author`` and ``datePublished``), and ``dateModified`` when the verdict changed on a later
day than its first (a correction). Written as a JSON array (``reviews.json``) and as ready
``<script type="application/ld+json">`` snippets beside it (``reviews.snippets.html``).

A claim that cannot carry ClaimReview (not reviewed, or no fact-check URL) is not written and
is named, with the reason, in the :class:`ClaimReviewExport`. Inside the JSON, ``<``, ``>``
and ``&`` are written as ``\\u003c`` etc., so no text (``</script>`` included) can end the
script tag it is pasted into.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from verifier.errors import InputError
from verifier.export.formats import atomic_output
from verifier.labels import Label

Record = dict[str, object]
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


@dataclass(frozen=True)
class Publisher:
    """Who publishes the fact-checks, and how their URLs and ratings are made.

    Attributes:
        name, url: the organisation (ClaimReview ``author``).
        factcheck_url: URL template with ``{claim_id}`` / ``{article_id}``, for articles
            without their own fact-check URL.
        ratings: (ratingValue, alternateName) per verdict.
    """

    name: str
    url: str | None
    factcheck_url: str | None
    ratings: dict[Label, tuple[int, str]]


@dataclass(frozen=True)
class Skipped:
    """A claim left out of a ClaimReview export, and why."""

    claim_id: int
    claim: str
    reason: str

    def describe(self) -> str:
        text = self.claim if len(self.claim) <= 60 else self.claim[:57] + "..."
        return f"claim {self.claim_id} ({text!r}): {self.reason}"


@dataclass
class ClaimReviewExport:
    """What :func:`write_claim_reviews` wrote (``written`` objects, and the snippets file) and
    left out."""

    snippets: Path
    written: int = 0
    skipped: list[Skipped] = field(default_factory=list)


def snippets_path(out: Path) -> Path:
    """Where the ``<script>`` snippets go: ``reviews.json`` -> ``reviews.snippets.html``."""
    return out.with_name(f"{out.stem}.snippets.html")


def claim_review(record: Record, publisher: Publisher) -> dict[str, object]:
    """The ClaimReview object of one reviewed claim's report record.

    Raises:
        InputError: the claim cannot carry ClaimReview (the message says why).
    """
    if not record.get("verdict"):
        raise InputError("not reviewed yet; review it first")
    url = _factcheck_url(record, publisher)
    if url is None:
        raise InputError(
            "no fact-check URL; give its article one (--factcheck-url) or set "
            "VERIFIER_FACTCHECK_URL to a template with {claim_id}"
        )
    value, name = publisher.ratings[Label(str(record["verdict"]))]
    values = [rating for rating, _ in publisher.ratings.values()]
    author: dict[str, object] = {"@type": "Organization", "name": publisher.name}
    if publisher.url:
        author["url"] = publisher.url
    review: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": record["claim"],
        "author": author,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": max(values),
            "worstRating": min(values),
            "alternateName": name,
        },
        "itemReviewed": _item_reviewed(record),
    }
    # Published when the claim got its first verdict; a later change (a correction, or a
    # note revised) is the day it was modified.
    first = str(record.get("first_reviewed_at") or record.get("reviewed_at") or "")[:10]
    last = str(record.get("reviewed_at") or "")[:10]
    if first:
        review["datePublished"] = first
    if last and last != first:
        review["dateModified"] = last
    return review


def _factcheck_url(record: Record, publisher: Publisher) -> str | None:
    if record.get("factcheck_url"):
        return str(record["factcheck_url"])
    template = publisher.factcheck_url
    if not template or (record["article_id"] is None and "{article_id}" in template):
        return None
    return template.format(claim_id=record["claim_id"], article_id=record["article_id"])


def _item_reviewed(record: Record) -> dict[str, object]:
    """The checked claim: where it appeared, who made it and when. A claim of a desk's list
    appeared where it was seen (``appearance_*``: made there by a person); an article's, in
    the article."""
    item: dict[str, object] = {"@type": "Claim"}
    writer, outlet = record.get("article_author"), record.get("article_outlet")
    if record.get("appearance_author"):
        item["author"] = {"@type": "Person", "name": record["appearance_author"]}
    elif writer or outlet:
        kind = "Organization" if not writer or writer == outlet else "Person"
        item["author"] = {"@type": kind, "name": writer or outlet}
    if record.get("appearance_date") or record.get("article_date"):
        item["datePublished"] = record.get("appearance_date") or record["article_date"]
    if record.get("appearance_url"):
        item["appearance"] = [{"@type": "CreativeWork", "url": record["appearance_url"]}]
    elif record.get("article_url"):
        appearance: dict[str, object] = {"@type": "CreativeWork", "url": record["article_url"]}
        if record.get("article_title"):
            appearance["headline"] = record["article_title"]
        if outlet:
            appearance["publisher"] = {"@type": "Organization", "name": outlet}
        item["appearance"] = [appearance]
    return item


def script_json(value: object, indent: int | None = None) -> str:
    """``value`` as JSON that is safe inside ``<script>``: no ``<``, ``>`` or ``&`` appears."""
    return json.dumps(value, ensure_ascii=False, indent=indent).translate(_SCRIPT_SAFE)


def write_claim_reviews(
    records: Iterable[Record], out: Path, publisher: Publisher
) -> ClaimReviewExport:
    """Write the ClaimReview array to ``out`` and the snippets beside it, both atomically.

    Raises:
        InputError: no claim could be written (each left-out claim is named).
    """
    result = ClaimReviewExport(snippets_path(out))
    with (
        atomic_output(out) as tmp_array,
        atomic_output(snippets_path(out)) as tmp_snippets,
        open(tmp_array, "w", encoding="utf-8") as array,
        open(tmp_snippets, "w", encoding="utf-8") as snippets,
    ):
        array.write("[")
        for record in records:
            try:
                review = claim_review(record, publisher)
            except InputError as why:
                result.skipped.append(
                    Skipped(int(record["claim_id"]), str(record["claim"]), str(why))  # type: ignore[call-overload]
                )
                continue
            array.write(("\n" if not result.written else ",\n") + script_json(review, indent=2))
            snippets.write(
                f"<!-- claim {int(record['claim_id'])} -->\n"  # type: ignore[call-overload]
                f'<script type="application/ld+json">\n{script_json(review, indent=2)}\n'
                "</script>\n"
            )
            result.written += 1
        array.write("\n]\n")
        if not result.written:
            named = "; ".join(s.describe() for s in result.skipped[:3])
            more = f" (and {len(result.skipped) - 3} more)" if len(result.skipped) > 3 else ""
            raise InputError(f"no claim can be published as ClaimReview: {named}{more}")
    return result
