from pathlib import Path

import pytest

from verifier import pipeline
from verifier.errors import ConflictError, InputError
from verifier.labels import Label
from verifier.match import Provenance
from verifier.review import history, record_review
from verifier.views import article_claims, list_articles
from verifier.workbench import Workbench


@pytest.fixture
def article_id(bench: Workbench, sources: Path) -> int:
    pipeline.ingest(bench, [sources])
    checked = pipeline.check_article(
        bench, "The Pentagon said on Monday that Russia moved equipment to Latakia."
    )
    return checked.article.id


@pytest.fixture
def claim_id(bench: Workbench, article_id: int) -> int:
    with bench.db.session() as s:
        return article_claims(s, article_id)[0].id


def test_every_change_is_kept_with_who_when_from_to(
    bench: Workbench, article_id: int, claim_id: int
) -> None:
    with bench.db.session() as s:
        [claim] = article_claims(s, article_id)
    evidence = [e.passage_id for e in claim.evidence[:1]]
    with bench.db.session() as s:
        record_review(s, claim_id, "dana", "supported", "matches the briefing", evidence)
    with bench.db.session() as s:
        record_review(s, claim_id, "lee", Label.DISPUTED, "MoD denies it")
    with bench.db.session() as s:
        changes = history(s, claim_id)
        [claim] = article_claims(s, article_id)
        [summary] = list_articles(s)
    assert [(c.changed_by, c.from_label, c.to_label) for c in changes] == [
        ("dana", None, Label.SUPPORTED),
        ("lee", Label.SUPPORTED, Label.DISPUTED),
    ]
    assert changes[0].evidence == evidence and changes[1].note == "MoD denies it"
    assert changes[0].changed_at <= changes[1].changed_at
    assert (claim.label, claim.reviewer, claim.relied_on) == (Label.DISPUTED, "lee", [])
    assert claim.reviewed and claim.shown == Label.DISPUTED and claim.history == changes
    assert (summary.claims, summary.reviewed) == (1, 1)


def test_claim_views_carry_evidence_and_provenance(
    bench: Workbench, article_id: int, sources: Path
) -> None:
    with bench.db.session() as s:
        [claim] = article_claims(s, article_id)
    assert claim.suggested is not None and not claim.reviewed
    assert claim.shown == claim.suggested
    assert str(claim.suggested_by) == f"{bench.retriever.name} + rules 1"
    assert claim.suggested_by is not None
    assert claim.suggested_by.in_words() == "the rules v1, on keyword and meaning search"
    assert [e.rank for e in claim.evidence] == list(range(1, len(claim.evidence) + 1))
    assert claim.evidence[0].url == "https://wire.example.com/base"
    assert claim.evidence[0].document == "Russia readies Latakia air base"


@pytest.mark.parametrize(
    ("reviewer", "label", "evidence", "message"),
    [
        ("", "supported", [], "enter your name"),
        ("dana", "true", [], "verdict must be one of supported, disputed, unverified"),
        ("dana", "supported", [999999], "no passage with id 999999"),
    ],
)
def test_bad_reviews_are_refused_and_change_nothing(
    bench: Workbench, claim_id: int, reviewer: str, label: str, evidence: list[int], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        with bench.db.session() as s:
            record_review(s, claim_id, reviewer, label, None, evidence)
    with bench.db.session() as s:
        assert history(s, claim_id) == []


def test_a_verdict_given_meanwhile_is_not_replaced_unread(bench: Workbench, claim_id: int) -> None:
    # Dana and Lee both open the unreviewed claim (no history yet); Lee saves first.
    pipeline.review_claim(bench, claim_id, "supported", "lee", "wire confirms", seen=0)
    with pytest.raises(ConflictError) as refused:
        pipeline.review_claim(bench, claim_id, "disputed", "dana", "MoD denies it", seen=0)
    line = str(refused.value)
    assert line.startswith(f"lee marked claim #{claim_id} supported at ")
    assert "after this page showed it; nothing was saved" in line and "\n" not in line
    with bench.db.session() as s:
        assert [(c.changed_by, c.to_label) for c in history(s, claim_id)] == [
            ("lee", Label.SUPPORTED)
        ]
    # Told, Dana has now seen one change: saving again replaces Lee's verdict, kept in history.
    change = pipeline.review_claim(bench, claim_id, "disputed", "dana", "MoD denies it", seen=1)
    assert (change.from_label, change.to_label) == (Label.SUPPORTED, Label.DISPUTED)
    # Two saves behind, and by the reviewer herself elsewhere: said so.
    pipeline.review_claim(bench, claim_id, "unverified", "dana", seen=2)
    with pytest.raises(ConflictError, match=r"^you marked claim #\d+ unverified at .* UTC \(in "):
        pipeline.review_claim(bench, claim_id, "supported", "dana", seen=1)
    with pytest.raises(ConflictError, match="after this page showed it, 1 other change"):
        pipeline.review_claim(bench, claim_id, "supported", "lee", seen=1)
    # Scripts and the command line give no count: the last save wins, as before.
    pipeline.review_claim(bench, claim_id, "supported", "lee")
    with bench.db.session() as s:
        assert [c.to_label for c in history(s, claim_id)][-1] == Label.SUPPORTED
        assert len(history(s, claim_id)) == 4


def test_unknown_claim(bench: Workbench) -> None:
    with pytest.raises(InputError, match="no claim with id 42"):
        with bench.db.session() as s:
            record_review(s, 42, "dana", "supported")


def test_a_claim_can_be_reviewed_before_it_is_matched(bench: Workbench) -> None:
    article = pipeline.extract_article(
        bench, "The Pentagon said on Monday that Russia moved 2,000 troops."
    )
    with bench.db.session() as s:
        record_review(s, article.claims[0].id, "dana", "unverified", "no source yet")
    with bench.db.session() as s:
        [claim] = article_claims(s, article.id)
    assert claim.label == Label.UNVERIFIED
    assert claim.suggested is None and claim.confidence is None and claim.evidence == []


@pytest.mark.parametrize(
    "retriever, model, version, words",
    [
        (
            "hybrid:all-MiniLM-L6-v2+openvino-bf16+bm25(w=0.5,title=1)",
            "trained",
            "48b8ff1eb208.5+openvino-bf16",
            "the trained stance model 48b8ff1eb208.5, on keyword and meaning search",
        ),
        ("dense:all-MiniLM-L6-v2", "rules", "1", "the rules v1, on meaning search"),
        ("bm25(title=1)", "nli:tiny-nli", "abc", "the NLI model tiny-nli abc, on keyword search"),
        ("bm25(title=1)", "nli:tiny-nli", "2", "the NLI model tiny-nli v2, on keyword search"),
        ("", "rules", "", "the rules"),
    ],
)
def test_provenance_is_told_in_words(retriever: str, model: str, version: str, words: str) -> None:
    assert Provenance(retriever, model, version).in_words() == words
    assert not str(Provenance(retriever, model, version)).endswith(" ")
