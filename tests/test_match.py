"""Matching claims: evidence ranking, suggestions with provenance, stored matches."""

from pathlib import Path
from typing import get_args

import pytest
import sqlalchemy as sa

from verifier import pipeline
from verifier.config import RetrieverName
from verifier.db.models import Match, Verdict
from verifier.errors import InputError, SettingsError, VerifierError
from verifier.export import ClaimRecord
from verifier.labels import Label
from verifier.retrieve import make_retriever
from verifier.review import record_review
from verifier.stance import RuleStance
from verifier.workbench import Workbench


def test_score_puts_the_covering_source_first(model_bench: Workbench, sources: Path) -> None:
    pipeline.ingest(model_bench, [sources])
    results = pipeline.score_claims(
        model_bench,
        [
            "Satellite pictures show new helicopter pads and a control tower at the airport.",
            "Spartak Moscow won the derby against Zenit 2-1.",
            "A new vaccine was approved in Brazil on Friday.",
        ],
        top_k=3,
    )
    assert results[0].evidence[0].uri == str(sources / "imagery.md")
    assert results[1].evidence[0].uri == str(sources / "football.txt")
    assert results[1].suggestion.label == Label.SUPPORTED
    assert results[2].suggestion.label == Label.UNVERIFIED
    first = results[0].evidence
    assert [e.score for e in first] == sorted((e.score for e in first), reverse=True)
    record = ClaimRecord.from_scored(results[0]).to_dict()
    assert record["evidence"][0]["passage_id"] == first[0].passage_id  # type: ignore[index]


def test_url_is_the_evidence_uri_when_the_source_has_one(bench: Workbench, sources: Path) -> None:
    pipeline.ingest(bench, [sources])
    [result] = pipeline.score_claims(
        bench, ["Russia moved personnel to the airfield near Latakia."], top_k=1
    )
    assert result.evidence[0].uri == "https://wire.example.com/base"
    assert result.evidence[0].outlet == "Test Wire"


def test_every_retriever_settings_allow_is_built_and_finds_evidence(
    bench: Workbench, sources: Path
) -> None:
    pipeline.ingest(bench, [sources])
    claim = "Spartak Moscow beat Zenit 2-1 in the derby."
    vectors = bench.embedder.embed([claim])
    for name in get_args(RetrieverName):
        retriever = make_retriever(name, bench.corpus)
        assert retriever.name.startswith(name)
        with bench.db.session() as s:
            [found] = retriever.retrieve(s, [claim], vectors, 2)
        assert len(found) == 2 and found[0].uri.endswith("football.txt")
    with pytest.raises(SettingsError, match="VERIFIER_RETRIEVER"):
        make_retriever("oracle", bench.corpus)  # type: ignore[arg-type]


def test_a_stance_model_reads_at_least_the_passages_it_was_fitted_on(
    bench: Workbench, sources: Path
) -> None:
    pipeline.ingest(bench, [sources])
    claim = "Spartak Moscow beat Zenit 2-1 in the derby."
    [narrow] = pipeline.score_claims(bench, [claim], top_k=2)
    assert len(narrow.evidence) == 2  # the rules read any number (depth 0)

    class Fitted(RuleStance):
        depth = 4

    bench.stance = Fitted()
    [fitted] = pipeline.score_claims(bench, [claim], top_k=2)
    assert [e.passage_id for e in fitted.evidence][:2] == [e.passage_id for e in narrow.evidence]
    assert len(fitted.evidence) == 4  # every passage the model read is kept, and shown
    assert len(fitted.suggestion.stances) == 4
    [wide] = pipeline.score_claims(bench, [claim], top_k=5)
    assert len(wide.evidence) == 5  # more than its depth when asked


def test_the_provenance_is_the_stance_models_version_after_it_scored(
    bench: Workbench, sources: Path
) -> None:
    # The trained model loads at its first claim, and names PyTorch from then on if OpenVINO
    # could not run it: the version a suggestion records is the one that made it.
    pipeline.ingest(bench, [sources])

    class LoadsLate(RuleStance):
        version = "1+openvino"

        def suggest(self, claim, evidence):  # type: ignore[no-untyped-def]
            self.version = "1"
            return super().suggest(claim, evidence)

    bench.stance = LoadsLate()
    [result] = pipeline.score_claims(bench, ["Spartak Moscow beat Zenit 2-1."], top_k=2)
    assert result.provenance.stance_version == "1"


def test_scoring_without_sources_is_a_clear_error(bench: Workbench) -> None:
    with pytest.raises(VerifierError, match="no sources are indexed yet"):
        pipeline.score_claims(bench, ["anything"])


def test_every_suggestion_says_which_retriever_and_stance_model_made_it(
    bench: Workbench, sources: Path
) -> None:
    pipeline.ingest(bench, [sources])
    checked = pipeline.check_article(
        bench, "The Pentagon said on Monday that Russia moved personnel to the airfield."
    )
    [result] = checked.results
    assert result.provenance.retriever == bench.retriever.name
    assert bench.retriever.name.startswith(f"hybrid:{bench.embedder.name}+bm25")
    made_by = (result.provenance.stance_model, result.provenance.stance_version)
    assert made_by == ("rules", RuleStance.version)
    with bench.db.session() as s:
        verdict = s.get(Verdict, result.claim_id)
        assert verdict is not None
        assert (verdict.retriever, verdict.stance_model, verdict.stance_version) == (
            bench.retriever.name,
            "rules",
            RuleStance.version,
        )
        assert verdict.suggested_at is not None and verdict.suggested == result.suggestion.label
    # one stance per evidence passage, in rank order, stored with the match for the page
    assert [s.passage_id for s in result.suggestion.stances] == [
        e.passage_id for e in result.evidence
    ]
    with bench.db.session() as s:
        stored = s.execute(
            sa.select(Match.passage_id, Match.stance, Match.stance_why)
            .where(Match.claim_id == result.claim_id)
            .order_by(Match.rank)
        ).all()
    assert [(pid, stance, why) for pid, stance, why in stored] == [
        (x.passage_id, x.stance.value, x.why) for x in result.suggestion.stances
    ]


def test_match_stores_matches_and_keeps_the_reviewer_verdict(
    bench: Workbench, sources: Path
) -> None:
    pipeline.ingest(bench, [sources])
    article = pipeline.extract_article(
        bench,
        "The Pentagon said on Monday that Russia moved personnel and equipment to the airfield "
        "near Latakia.\n\nSpartak Moscow beat Zenit 2-1 in Sunday's derby, the club said.",
    )
    assert len(article.claims) == 2
    results = pipeline.match_claims(bench, top_k=2)
    assert [r.claim_id for r in results] == [c.id for c in article.claims]
    claim_id = article.claims[0].id
    suggested = results[0].suggestion.label
    with bench.db.session() as s:
        record_review(s, claim_id, "dana", "disputed", "checked with the desk")
    pipeline.match_claims(bench, [claim_id], top_k=3)  # re-matching replaces matches only
    with bench.db.session() as s:
        ranks = s.scalars(
            sa.select(Match.rank).where(Match.claim_id == claim_id).order_by(Match.rank)
        ).all()
        verdict = s.get(Verdict, claim_id)
    assert ranks == [1, 2, 3]
    assert verdict is not None
    assert (verdict.label, verdict.reviewer, verdict.suggested) == (
        Label.DISPUTED,
        "dana",
        suggested,
    )


def test_same_article_twice_is_stored_once_and_a_lower_threshold_adds_claims(
    bench: Workbench,
) -> None:
    text = (
        "The Pentagon said on Monday that Russia moved 2,000 troops to Latakia.\n\n"
        "Officials met in Damascus."
    )
    first = pipeline.extract_article(bench, text)
    assert [c.text for c in first.claims] == [
        "The Pentagon said on Monday that Russia moved 2,000 troops to Latakia."
    ]
    with bench.db.session() as s:
        record_review(s, first.claims[0].id, "dana", "supported")
    again = pipeline.extract_article(bench, text, threshold=0.1)
    assert again.id == first.id
    assert [c.text for c in again.claims] == [
        "The Pentagon said on Monday that Russia moved 2,000 troops to Latakia.",
        "Officials met in Damascus.",
    ]
    assert again.claims[0].id == first.claims[0].id  # kept, with its review
    assert (
        len(pipeline.extract_article(bench, text).claims) == 2
    )  # a higher threshold removes nothing
    with pytest.raises(InputError, match="no check-worthy sentence"):
        pipeline.extract_article(bench, "Hello there.")
    with pytest.raises(InputError, match="empty"):
        pipeline.extract_article(bench, "   ")


def test_match_in_chunks_equals_match_at_once(bench: Workbench, sources: Path) -> None:
    pipeline.ingest(bench, [sources])
    article = pipeline.extract_article(
        bench,
        "The Pentagon said on Monday that Russia moved personnel to Latakia.\n\n"
        "Spartak Moscow beat Zenit 2-1 in Sunday's derby, the club said.\n\n"
        "A heatwave pushed temperatures above 38 degrees in Spain on Monday.",
    )
    whole = pipeline.match_claims(bench, article_id=article.id, top_k=2)
    chunked = pipeline.match_claims(bench, article_id=article.id, top_k=2, chunk=1)
    assert len(whole) == 3
    records = [ClaimRecord.from_scored(r).to_dict() for r in whole]
    assert records == [ClaimRecord.from_scored(r).to_dict() for r in chunked]
    assert pipeline.match_claims(bench, article_id=article.id + 1) == []


def test_score_claims_reports_progress_before_and_per_chunk(
    bench: Workbench, sources: Path
) -> None:
    pipeline.ingest(bench, [sources])
    seen: list[tuple[int, int]] = []
    claims = [f"Claim number {i} about Latakia." for i in range(5)]
    results = pipeline.score_claims(
        bench, claims, top_k=1, progress=lambda *a: seen.append(a), chunk=2
    )
    assert [r.claim for r in results] == claims
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]  # told first how many there are
