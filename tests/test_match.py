from pathlib import Path

import pytest
import sqlalchemy as sa

from verifier.articles import add_article
from verifier.db.models import Match, Verdict
from verifier.errors import InputError, VerifierError
from verifier.ingest import ingest_paths
from verifier.match import match_claims, score_claims
from verifier.review import record_review
from verifier.workbench import Workbench


def test_score_puts_the_covering_source_first(bench: Workbench, sources: Path) -> None:
    ingest_paths(bench, [sources])
    results = score_claims(
        bench,
        [
            "Satellite pictures show new helicopter pads and a control tower at the airport.",
            "Spartak Moscow won the derby against Zenit 2-1.",
            "A new vaccine was approved in Brazil on Friday.",
        ],
        top_k=3,
    )
    assert results[0].evidence[0].uri == str(sources / "imagery.md")
    assert results[1].evidence[0].uri == str(sources / "football.txt")
    assert results[1].suggestion.label == "supported"
    assert results[2].suggestion.label == "unverified"
    first = results[0].evidence
    assert [e.score for e in first] == sorted((e.score for e in first), reverse=True)
    assert results[0].to_record()["evidence"][0]["passage_id"] == first[0].passage_id


def test_url_is_the_evidence_uri_when_the_source_has_one(bench: Workbench, sources: Path) -> None:
    ingest_paths(bench, [sources])
    [result] = score_claims(
        bench, ["Russia moved personnel to the airfield near Latakia."], top_k=1
    )
    assert result.evidence[0].uri == "https://wire.example.com/base"
    assert result.evidence[0].outlet == "Test Wire"


def test_scoring_without_sources_is_a_clear_error(bench: Workbench) -> None:
    with pytest.raises(VerifierError, match="no sources are indexed yet"):
        score_claims(bench, ["anything"])


def test_match_stores_matches_and_keeps_the_reviewer_verdict(
    bench: Workbench, sources: Path
) -> None:
    ingest_paths(bench, [sources])
    article = add_article(
        bench,
        "The Pentagon said on Monday that Russia moved personnel and equipment to the airfield "
        "near Latakia.\n\nSpartak Moscow beat Zenit 2-1 in Sunday's derby, the club said.",
    )
    assert len(article.claims) == 2
    results = match_claims(bench, top_k=2)
    assert [r.claim_id for r in results] == [c.id for c in article.claims]
    claim_id = article.claims[0].id
    record_review(bench, claim_id, "dana", "disputed", "checked with the desk")
    match_claims(bench, [claim_id], top_k=3)  # re-matching replaces matches only
    with bench.session() as s:
        ranks = s.scalars(
            sa.select(Match.rank).where(Match.claim_id == claim_id).order_by(Match.rank)
        ).all()
        verdict = s.get(Verdict, claim_id)
    assert ranks == [1, 2, 3]
    assert (verdict.label, verdict.reviewer, verdict.suggested) == ("disputed", "dana", "supported")


def test_same_article_twice_is_stored_once_and_a_lower_threshold_adds_claims(
    bench: Workbench,
) -> None:
    text = (
        "The Pentagon said on Monday that Russia moved 2,000 troops to Latakia.\n\n"
        "Officials met in Damascus."
    )
    first = add_article(bench, text)
    assert [c.text for c in first.claims] == [
        "The Pentagon said on Monday that Russia moved 2,000 troops to Latakia."
    ]
    record_review(bench, first.claims[0].id, "dana", "supported")
    again = add_article(bench, text, threshold=0.1)
    assert again.id == first.id
    assert [c.text for c in again.claims] == [
        "The Pentagon said on Monday that Russia moved 2,000 troops to Latakia.",
        "Officials met in Damascus.",
    ]
    assert again.claims[0].id == first.claims[0].id  # kept, with its review
    assert len(add_article(bench, text).claims) == 2  # a higher threshold removes nothing
    with pytest.raises(InputError, match="no check-worthy sentence"):
        add_article(bench, "Hello there.")
    with pytest.raises(InputError, match="empty"):
        add_article(bench, "   ")


def test_a_long_lived_reader_sees_sources_another_process_ingested(
    bench: Workbench, sources: Path
) -> None:
    ingest_paths(bench, [sources / "weather.txt"])
    reader = Workbench.open(bench.settings, embedder=bench.embedder)  # the app, say
    claim = ["Spartak Moscow won the derby against Zenit 2-1."]
    assert score_claims(reader, claim, top_k=1)[0].suggestion.label == "unverified"
    ingest_paths(bench, [sources / "football.txt"])  # the command line, meanwhile
    [result] = score_claims(reader, claim, top_k=1)
    assert result.evidence[0].uri == str(sources / "football.txt")
    reader.close()


def test_match_in_chunks_equals_match_at_once(bench: Workbench, sources: Path) -> None:
    ingest_paths(bench, [sources])
    article = add_article(
        bench,
        "The Pentagon said on Monday that Russia moved personnel to Latakia.\n\n"
        "Spartak Moscow beat Zenit 2-1 in Sunday's derby, the club said.\n\n"
        "A heatwave pushed temperatures above 38 degrees in Spain on Monday.",
    )
    whole = match_claims(bench, article_id=article.id, top_k=2)
    chunked = match_claims(bench, article_id=article.id, top_k=2, chunk=1)
    assert len(whole) == 3
    assert [r.to_record() for r in whole] == [r.to_record() for r in chunked]
    assert match_claims(bench, article_id=article.id + 1) == []
