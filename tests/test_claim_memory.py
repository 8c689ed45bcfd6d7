"""Claim memory: a claim that says what a reviewed claim said is "checked before" (the
bundled model judges the meaning), a changed figure or a negation is not, the verdict can be
reused, and bulk scoring carries the same field; on both databases."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import write
from verifier import pipeline
from verifier.claim_memory import PAST_CHECK_FIELDS, differs
from verifier.labels import Label
from verifier.views import claim_view
from verifier.workbench import Workbench

FIRST = (
    "Around 2,000 Russian troops are now stationed at the Latakia air base, a Western "
    "diplomat estimated on Monday."
)
LATER = (
    "A Western diplomat estimated on Monday that about 2,000 Russian troops are stationed at "
    "the Latakia air base.\n\n"
    "Around 200 Russian troops are now stationed at the Latakia air base, a Western diplomat "
    "estimated on Monday.\n\n"
    "Spartak Moscow beat Zenit 2-1 on Sunday in front of 40,000 fans, the club said."
)


@pytest.fixture
def reviewed(model_bench: Workbench, sources: Path) -> tuple[int, list[tuple[int, str]]]:
    """A reviewed claim, and the claims of a later article: a paraphrase, the same words with
    another figure, an unrelated claim."""
    bench = model_bench
    pipeline.ingest(bench, [sources])
    first = pipeline.check_article(bench, FIRST, title="First").article.claims[0]
    evidence = [e.passage_id for e in pipeline.match_claims(bench, [first.id])[0].evidence[:1]]
    pipeline.review_claim(bench, first.id, Label.DISPUTED, "dana", "nearer 500", evidence)
    later = pipeline.check_article(bench, LATER, title="Later").article
    return first.id, [(claim.id, claim.text) for claim in later.claims]


def test_a_paraphrase_is_checked_before_but_another_figure_is_not(
    model_bench: Workbench, reviewed: tuple[int, list[tuple[int, str]]]
) -> None:
    first, later = reviewed
    assert len(later) == 3
    found = pipeline.past_checks(model_bench, [*later, (first, FIRST)])
    paraphrase, other_figure, unrelated = later
    assert set(found) == {paraphrase[0]}  # never a claim's own verdict, nor across figures
    past = found[paraphrase[0]]
    assert (past.claim_id, past.label, past.reviewer, past.note) == (
        first,
        Label.DISPUTED,
        "dana",
        "nearer 500",
    )
    assert past.similarity >= 0.87 and past.article == "First"
    assert past.describe().startswith("checked before: disputed by dana on ")
    assert differs(other_figure[1], FIRST)


def test_the_verdict_is_reused_with_its_evidence_and_a_note(
    model_bench: Workbench, reviewed: tuple[int, list[tuple[int, str]]]
) -> None:
    first, later = reviewed
    paraphrase = later[0]
    past = pipeline.past_checks(model_bench, [paraphrase])[paraphrase[0]]
    change = pipeline.reuse_verdict(model_bench, paraphrase[0], past, "omar")
    assert change.to_label is Label.DISPUTED and change.changed_by == "omar"
    assert change.note == f"Same claim as #{first}, checked before by dana: nearer 500"
    with model_bench.db.session() as session:
        view = claim_view(session, paraphrase[0])
    assert view is not None and view.relied_on == list(past.evidence) and view.cited


def test_bulk_scoring_carries_the_past_check(
    model_bench: Workbench, reviewed: tuple[int, list[tuple[int, str]]], tmp_path: Path
) -> None:
    first, _ = reviewed
    claims = write(
        tmp_path,
        "claims.csv",
        "id,claim\n"
        'a,"About 2,000 Russian troops are stationed at the Latakia air base, according to '
        'a Western diplomat on Monday."\n'
        "b,The weather in Spain was hot on Monday.\n",
    )
    out = tmp_path / "scored.csv"
    pipeline.score_file(model_bench, claims, out)
    rows = {row["id"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(PAST_CHECK_FIELDS) <= set(rows["a"])
    assert rows["a"]["checked_before_claim_id"] == str(first)
    assert rows["a"]["checked_before_verdict"] == "disputed"
    assert rows["a"]["checked_before_by"] == "dana"
    assert rows["b"]["checked_before_claim_id"] == ""


def test_memory_sees_a_verdict_saved_after_it_was_loaded(
    model_bench: Workbench, reviewed: tuple[int, list[tuple[int, str]]]
) -> None:
    _, later = reviewed
    unrelated = later[2]
    assert pipeline.past_checks(model_bench, [unrelated]) == {}
    with model_bench.db.session() as session:
        before = len(model_bench.memory._current(session).checks)
    pipeline.review_claim(model_bench, unrelated[0], Label.SUPPORTED, "kim")
    with model_bench.db.session() as session:
        assert len(model_bench.memory._current(session).checks) == before + 1


@pytest.mark.parametrize(
    ("a", "b", "different"),
    [
        ("Russia moved 28 jets to Latakia.", "Russia moved six jets to Latakia.", True),
        ("Russian jets have landed at the base.", "No Russian jets have landed at the base.", True),
        ("Assad has moved the government.", "Assad hasn't moved the government.", True),
        ("Russia moved 28 jets to Latakia.", "Twenty-eight jets were moved to Latakia.", False),
        ("No contact was made.", "There was no contact.", False),
        ("Moscow sent troops to Syria.", "Moscow denied sending troops to Syria.", True),
        ("Moscow denies sending troops.", "Moscow denied it had sent troops.", False),
        # Negated past a clause ("cannot, officials say, deploy"): counted, curly or not.
        ("Russia can deploy jets.", "Russia cannot, officials say, deploy jets.", True),
        ("Assad has moved the government.", "Assad hasn’t, so far, moved the government.", True),
        ("Nobody has seen the jets.", "The jets have been seen.", True),
    ],
)
def test_figures_and_negations_tell_near_claims_apart(a: str, b: str, different: bool) -> None:
    assert differs(a, b) is different
