"""The review queue's read model: filters, sorting, paging and the claim in its article, on
both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import write

from verifier import pipeline
from verifier.dashboard import dashboard, throughput
from verifier.labels import Label
from verifier.queue import QueueFilter, claim_queue
from verifier.views import article_claims, claim_in_article
from verifier.workbench import Workbench

ARTICLE = (
    "Russia moved 28 combat aircraft to the Latakia air base, officials said on Monday.\n\n"
    "The Pentagon said Russia deployed tanks near Latakia. A weather front brought 38 degrees "
    "to southern Spain on Monday.\n\n"
    "Officials said 100% of the 50_000 troops had arrived by Tuesday."
)


@pytest.fixture
def claims(bench: Workbench, sources: Path) -> list[int]:
    pipeline.ingest(bench, [sources])
    stored = pipeline.extract_article(bench, ARTICLE, title="Build-up", threshold=0.0)
    ids = [claim.id for claim in stored.claims]
    pipeline.match_claims(bench, ids[:3])  # the last claim is not matched yet
    pipeline.review_claim(bench, ids[0], Label.DISPUTED, "dana", note="six jets, not 28")
    pipeline.review_claim(bench, ids[1], Label.SUPPORTED, "omar")
    return ids


def article_of(bench: Workbench, claims: list[int]) -> int:
    with bench.db.session() as session:
        [row] = [
            r
            for r in claim_queue(session, QueueFilter(status="all")).rows
            if r.claim_id == claims[0]
        ]
    assert row.article_id is not None
    return row.article_id


def ids(bench: Workbench, wanted: QueueFilter, **paging: int) -> list[int]:
    with bench.db.session() as session:
        return [row.claim_id for row in claim_queue(session, wanted, **paging).rows]


def test_status_filters_and_the_total(bench: Workbench, claims: list[int]) -> None:
    with bench.db.session() as session:
        page = claim_queue(session, QueueFilter(status="needs review"))
    assert {row.claim_id for row in page.rows} == set(claims[2:]) and page.total == 2
    assert set(ids(bench, QueueFilter(status="reviewed"))) == set(claims[:2])
    assert set(ids(bench, QueueFilter(status="all"))) == set(claims)


def test_verdict_reviewer_article_and_confidence_filters(
    bench: Workbench, claims: list[int]
) -> None:
    everything = QueueFilter(status="all")
    assert ids(bench, QueueFilter(status="all", reviewed=(Label.DISPUTED,))) == [claims[0]]
    assert ids(bench, QueueFilter(status="all", reviewer="omar")) == [claims[1]]
    with bench.db.session() as session:
        rows = claim_queue(session, everything).rows
    suggested = {row.claim_id: row.suggested for row in rows}
    assert suggested[claims[3]] is None  # not matched: no suggestion
    some = next(label for label in suggested.values() if label is not None)
    kept = ids(bench, QueueFilter(status="all", suggested=(some,)))
    assert kept and all(suggested[claim_id] is some for claim_id in kept)
    assert claims[3] not in ids(bench, QueueFilter(status="all", confidence=(0.0, 0.99)))
    assert claims[3] in ids(bench, everything)
    article = rows[0].article_id
    assert article is not None
    assert set(ids(bench, QueueFilter(status="all", articles=(article,)))) == set(claims)
    assert ids(bench, QueueFilter(status="all", articles=(article + 999,))) == []


def test_search_is_literal_and_case_blind(bench: Workbench, claims: list[int]) -> None:
    assert ids(bench, QueueFilter(status="all", search="LATAKIA air")) == [claims[0]]
    assert ids(bench, QueueFilter(status="all", search="100%")) == [claims[3]]
    assert ids(bench, QueueFilter(status="all", search="50_000")) == [claims[3]]
    assert ids(bench, QueueFilter(status="all", search="1_0")) == []  # "_" is not a wildcard
    assert ids(bench, QueueFilter(status="all", search="%")) == [claims[3]]


def test_sorting_and_paging(bench: Workbench, claims: list[int]) -> None:
    with bench.db.session() as session:
        rows = claim_queue(session, QueueFilter(status="all")).rows
        by_confidence = claim_queue(session, QueueFilter(status="all", sort="confidence")).rows
    worth = [row.checkworthiness for row in rows]
    assert worth == sorted(worth, reverse=True)
    known = [row.confidence for row in by_confidence if row.confidence is not None]
    assert known == sorted(known) and by_confidence[-1].confidence is None  # unmatched last
    assert ids(bench, QueueFilter(status="all", sort="newest")) == sorted(claims, reverse=True)
    first = ids(bench, QueueFilter(status="all", sort="newest"), limit=2)
    second = ids(bench, QueueFilter(status="all", sort="newest"), limit=2, offset=2)
    assert first + second == sorted(claims, reverse=True)


def test_a_source_added_after_a_verdict_flags_it_until_saved_again(
    bench: Workbench, claims: list[int], sources: Path
) -> None:
    wanted = QueueFilter(status="new evidence")
    assert ids(bench, wanted) == []
    # A new source saying the first claim in its own words (so it ranks in view), and one
    # far from every claim: the matched claims they reach are matched again by the ingest
    # itself (the claim never matched is left so).
    write(sources, "correction.txt", ARTICLE.split("\n\n")[0] + "\n")
    write(sources, "weather.txt", "Snow closed three ski passes in the Alps on Friday.\n")
    report = pipeline.ingest(bench, [sources])
    assert 1 <= report.rematched <= 3 and claims[3] not in report.affected
    assert ids(bench, wanted) == [claims[0]]  # the other reviewed claim got nothing new
    assert pipeline.new_evidence_count(bench) == 1
    with bench.db.session() as session:
        views = {view.id: view for view in article_claims(session, article_of(bench, claims))}
        assert dashboard(session).new_evidence == 1
    fresh = views[claims[0]].new_evidence
    assert fresh and all(item.in_view for item in fresh)
    assert all("correction.txt" in item.uri for item in fresh)
    assert views[claims[1]].new_evidence == [] and views[claims[2]].new_evidence == []
    # Read and saved again (the verdict kept): no longer new to it.
    pipeline.review_claim(bench, claims[0], Label.DISPUTED, "dana", note="still six jets")
    assert ids(bench, wanted) == [] and pipeline.new_evidence_count(bench) == 0
    # A source whose text changes after the verdict counts as new again.
    write(sources, "correction.txt", ARTICLE.split("\n\n")[0] + " A ministry confirmed it.\n")
    pipeline.ingest(bench, [sources])
    assert ids(bench, wanted) == [claims[0]]


def test_a_claim_is_shown_in_its_paragraph(bench: Workbench, claims: list[int]) -> None:
    with bench.db.session() as session:
        context = claim_in_article(session, claims[2])
    assert context is not None and context.title == "Build-up"
    assert context.claim == "A weather front brought 38 degrees to southern Spain on Monday."
    assert context.before == "The Pentagon said Russia deployed tanks near Latakia. "
    assert context.after == ""  # the paragraph ends with the claim


def test_the_dashboard_counts_open_work_throughput_and_agreement(
    bench: Workbench, claims: list[int]
) -> None:
    today = datetime.now(UTC).date()
    with bench.db.session() as session:
        board = dashboard(session, days=7)
        tomorrow = throughput(session, days=1, today=today + timedelta(days=1))
    assert (board.summary.claims, board.reviewed, board.open) == (4, 2, 2)
    assert board.throughput.days[-1] == today and len(board.throughput.days) == 7
    assert board.throughput.per_reviewer == {"dana": [0] * 6 + [1], "omar": [0] * 6 + [1]}
    assert tomorrow.total == 0  # today's reviews are not tomorrow's
    assert board.summary.compared == 2  # both reviewed claims were matched first
    assert sum(board.summary.confusion.values()) == 2
