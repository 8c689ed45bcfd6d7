from pathlib import Path

import pytest

from verifier.articles import add_article
from verifier.errors import InputError
from verifier.ingest import ingest_paths
from verifier.match import match_claims
from verifier.review import article_claims, history, record_review
from verifier.workbench import Workbench


@pytest.fixture
def article_id(bench: Workbench, sources: Path) -> int:
    ingest_paths(bench, [sources])
    article = add_article(
        bench, "The Pentagon said on Monday that Russia moved equipment to Latakia."
    )
    match_claims(bench)
    return article.id


@pytest.fixture
def claim_id(bench: Workbench, article_id: int) -> int:
    return article_claims(bench, article_id)[0].id


def test_every_change_is_kept_with_who_when_from_to(
    bench: Workbench, article_id: int, claim_id: int
) -> None:
    [claim] = article_claims(bench, article_id)
    evidence = [m.passage_id for m in claim.matches[:1]]
    record_review(bench, claim_id, "dana", "supported", "matches the briefing", evidence)
    record_review(bench, claim_id, "lee", "disputed", "MoD denies it")
    changes = history(bench, claim_id)
    assert [(c.changed_by, c.from_label, c.to_label) for c in changes] == [
        ("dana", None, "supported"),
        ("lee", "supported", "disputed"),
    ]
    assert changes[0].evidence == evidence and changes[1].note == "MoD denies it"
    assert changes[0].changed_at <= changes[1].changed_at
    [claim] = article_claims(bench, article_id)
    assert (claim.verdict.label, claim.verdict.reviewer, claim.verdict.evidence) == (
        "disputed",
        "lee",
        [],
    )


@pytest.mark.parametrize(
    ("reviewer", "label", "evidence", "message"),
    [
        ("", "supported", [], "enter your name"),
        ("dana", "true", [], "verdict must be one of"),
        ("dana", "supported", [999999], "no passage with id 999999"),
    ],
)
def test_bad_reviews_are_refused_and_change_nothing(
    bench: Workbench, claim_id: int, reviewer: str, label: str, evidence: list[int], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        record_review(bench, claim_id, reviewer, label, None, evidence)
    assert history(bench, claim_id) == []


def test_unknown_claim(bench: Workbench) -> None:
    with pytest.raises(InputError, match="no claim with id 42"):
        record_review(bench, 42, "dana", "supported")


def test_a_claim_can_be_reviewed_before_it_is_matched(bench: Workbench) -> None:
    article = add_article(bench, "The Pentagon said on Monday that Russia moved 2,000 troops.")
    claim_id = article.claims[0].id
    record_review(bench, claim_id, "dana", "unverified", "no source yet")
    [claim] = article_claims(bench, article.id)
    assert claim.verdict.label == "unverified"
    assert claim.verdict.suggested is None and claim.verdict.confidence is None
