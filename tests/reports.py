"""Shared data of the report tests: an article with details, hostile texts, and reviews."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write
from verifier import pipeline
from verifier.articles import ArticleMeta
from verifier.labels import Label
from verifier.views import article_claims
from verifier.workbench import Workbench

ARTICLE = (
    "Russian build-up in Latakia\n\n"
    "The Pentagon said on Monday that Russia moved equipment to Latakia. "
    "Satellite images show crews extending the runways at the Syrian airport.\n\n"
    "Spartak Moscow beat Zenit 2-1 in Sunday's derby."
)
META = ArticleMeta.parse(
    url="https://news.example.org/latakia",
    outlet="Example News",
    author="R. Porter",
    published="2015-09-14",
    factcheck_url="https://desk.example.org/checks/latakia",
)
HOSTILE = '=HYPERLINK("http://x")'
SCRIPT = "<script>alert(1)</script>"
#: A source whose every field is hostile: a formula, a script tag, a javascript: link.
HOSTILE_SOURCE = (
    f"---\ntitle: {SCRIPT}\noutlet: '{HOSTILE}'\nurl: javascript:alert(1)\ndate: 2015-09-15\n"
    f"---\n{HOSTILE} {SCRIPT} Russia moved equipment to Latakia, the Pentagon said.\n"
)

# Google's ClaimReview structured data: required properties (claimReviewed, reviewRating with
# alternateName, url) and recommended ones (author, datePublished, itemReviewed as a Claim
# with appearance, author, datePublished; ratingValue, bestRating, worstRating).
CLAIMREVIEW_SCHEMA = {
    "type": "object",
    "required": [
        "@context",
        "@type",
        "claimReviewed",
        "reviewRating",
        "url",
        "author",
        "datePublished",
        "itemReviewed",
    ],
    "properties": {
        "@context": {"const": "https://schema.org"},
        "@type": {"const": "ClaimReview"},
        "claimReviewed": {"type": "string", "minLength": 1},
        "url": {"type": "string", "pattern": "^https?://"},
        "datePublished": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "dateModified": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "author": {
            "type": "object",
            "required": ["@type", "name"],
            "properties": {
                "@type": {"enum": ["Organization", "Person"]},
                "name": {"type": "string", "minLength": 1},
                "url": {"type": "string", "pattern": "^https?://"},
            },
        },
        "reviewRating": {
            "type": "object",
            "required": ["@type", "alternateName", "ratingValue", "bestRating", "worstRating"],
            "properties": {
                "@type": {"const": "Rating"},
                "alternateName": {"type": "string", "minLength": 1},
                "ratingValue": {"type": "number"},
                "bestRating": {"type": "number"},
                "worstRating": {"type": "number"},
            },
        },
        "itemReviewed": {
            "type": "object",
            "required": ["@type", "appearance", "author", "datePublished"],
            "properties": {
                "@type": {"const": "Claim"},
                "datePublished": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                "author": {"type": "object", "required": ["@type", "name"]},
                "appearance": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["@type", "url"],
                        "properties": {"url": {"type": "string", "pattern": "^https?://"}},
                    },
                },
            },
        },
    },
}


def review_claims(
    bench: Workbench, sources: Path, *, title: str = "Latakia", hostile: bool = False
) -> list[int]:
    """Ingest ``sources``, check :data:`ARTICLE`, and review its first two claims: the first
    supported by dana (note :data:`HOSTILE`, citing its best evidence), the second disputed
    twice by lee (notes with :data:`SCRIPT`). With ``hostile``, the hostile source is
    ingested too and the second review cites it."""
    if hostile:
        write(sources, "hostile.txt", HOSTILE_SOURCE)
    pipeline.ingest(bench, [sources])
    checked = pipeline.check_article(bench, ARTICLE, title=title, meta=META, threshold=0)
    ids = [c.id for c in checked.article.claims]
    with bench.db.session() as s:
        views = {v.id: v for v in article_claims(s, checked.article.id)}
    first = views[ids[0]]
    pipeline.review_claim(
        bench, ids[0], "supported", "dana", HOSTILE, [first.evidence[0].passage_id]
    )
    cited = []
    if hostile:
        cited = [e.passage_id for e in views[ids[1]].evidence if HOSTILE in e.text][:1]
        assert cited, "the hostile source should be evidence for the second claim"
    pipeline.review_claim(bench, ids[1], Label.DISPUTED, "lee", SCRIPT)
    pipeline.review_claim(bench, ids[1], Label.DISPUTED, "lee", "second look: " + SCRIPT, cited)
    return ids
