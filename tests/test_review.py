from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_claims

from verifier import pipeline
from verifier.cli import cli
from verifier.config import Settings
from verifier.db.models import Verdict
from verifier.errors import ConflictError, InputError
from verifier.export import ReportFilter, report_records, report_summary
from verifier.labels import Label
from verifier.match import Provenance
from verifier.queue import QueueFilter
from verifier.review import history, record_review
from verifier.stance import RuleStance
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
    assert str(claim.suggested_by) == f"{bench.retriever.name} + rules {RuleStance.version}"
    assert claim.suggested_by is not None
    in_words = f"the rules v{RuleStance.version}, on keyword and meaning search"
    assert claim.suggested_by.in_words() == in_words
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


def suggest(
    bench: Workbench, claim_ids: list[int], labels: list[Label], confidences: list[float]
) -> None:
    """Give claims a suggestion, as matching would."""
    with bench.db.writing() as s:
        for claim_id, label, confidence in zip(claim_ids, labels, confidences, strict=True):
            s.merge(Verdict(claim_id=claim_id, suggested=label, confidence=confidence, evidence=[]))


def test_suggestions_at_or_above_a_confidence_are_accepted_in_bulk(bench: Workbench) -> None:
    claims = make_claims(bench, 5)
    suggest(
        bench,
        claims[:4],
        [Label.SUPPORTED, Label.DISPUTED, Label.SUPPORTED, Label.UNVERIFIED],
        [0.95, 0.91, 0.89, 0.97],
    )  # the fifth has no suggestion yet
    pipeline.review_claim(bench, claims[3], "disputed", "lee")  # a reviewer's, never replaced
    changes = pipeline.accept_suggestions(bench, claims, "dana", 0.9)
    assert [(c.to_label, c.changed_by) for c in changes] == [
        (Label.SUPPORTED, "dana"),
        (Label.DISPUTED, "dana"),
    ]
    assert changes[0].note == "suggestion accepted in bulk: confidence 0.95, at or above 0.90"
    with bench.db.session() as s:
        labels = [v.label if (v := s.get(Verdict, c)) else None for c in claims]
        assert labels == [Label.SUPPORTED, Label.DISPUTED, None, Label.DISPUTED, None]
        assert [c.changed_by for c in history(s, claims[3])] == ["lee"]
    # Again: nothing left to accept at 0.9; a queue filter picks claims as the app's does.
    assert pipeline.accept_suggestions(bench, claims, "dana", 0.9) == []
    assert len(pipeline.accept_suggestions(bench, QueueFilter(), "dana", 0.85)) == 1
    for reviewer, threshold, line in [
        (" ", 0.9, "enter your name as reviewer before accepting suggestions"),
        ("dana", 1.5, "the confidence to accept at is between 0 and 1, not 1.5"),
    ]:
        with pytest.raises(InputError, match=line):
            pipeline.accept_suggestions(bench, claims, reviewer, threshold)


def test_the_command_line_accepts_suggestions_above_a_confidence(
    bench: Workbench, settings: Settings
) -> None:
    claims = make_claims(bench, 3)
    suggest(bench, claims, [Label.SUPPORTED] * 3, [0.99, 0.95, 0.5])
    base = ["--home", str(settings.home), "--db", settings.db_url, "review"]
    runner = CliRunner()
    done = runner.invoke(cli, [*base, "--accept-above", "0.9", "--reviewer", "Ed"])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == "accepted 2 suggestion(s) at confidence 0.90 or above"
    with bench.db.session() as s:
        assert [len(history(s, c)) for c in claims] == [1, 1, 0]
    for args, line in [
        (["--accept-above", "0.9"], "--accept-above takes --reviewer (and --article) only"),
        (["--accept-above", "0.9", "--reviewer", "Ed", "--verdict", "disputed"], "takes"),
        (["--accept-above", "1.2", "--reviewer", "Ed"], "1.2 is not in the range 0<=x<=1"),
        (["--article", "1", "--reviewer", "Ed"], "--article goes with --accept-above"),
    ]:
        refused = runner.invoke(cli, [*base, *args])
        assert refused.exit_code == 2 and line in refused.output, refused.output


def test_suggestions_accepted_in_bulk_say_nothing_of_the_agreement_and_are_marked(
    bench: Workbench, tmp_path: Path
) -> None:
    claims = make_claims(bench, 3)
    suggest(bench, claims, [Label.SUPPORTED] * 3, [0.95, 0.95, 0.5])
    pipeline.review_claim(bench, claims[2], "disputed", "lee")  # read, and overruled
    pipeline.accept_suggestions(bench, claims, "dana", 0.9)

    def agreement() -> tuple[int, int, int]:
        with bench.db.session() as s:
            summary = report_summary(s, ReportFilter())
        return summary.compared, summary.agreed, summary.accepted_in_bulk

    assert agreement() == (1, 0, 2)  # lee's alone
    with bench.db.session() as s:
        marked = [r["accepted_in_bulk"] for r in report_records(s, ReportFilter())]
    assert marked == [True, True, False]
    for suffix, line in (
        (".md", "2 verdict(s) of this report are suggestions accepted in bulk"),
        (".html", "2 verdicts of this report are suggestions accepted in bulk"),
    ):
        pipeline.export_report(bench, ReportFilter(), tmp_path / f"r{suffix}")
        text = (tmp_path / f"r{suffix}").read_text(encoding="utf-8")
        assert line in text and text.count("accepted in bulk, not read one by one") == 3
    # Saved again one by one (the same verdict, read this time), it counts.
    pipeline.review_claim(bench, claims[0], "supported", "dana")
    assert agreement() == (2, 1, 1)
    with bench.db.session() as s:
        bulk = [v.bulk_accepted for v in (s.get(Verdict, c) for c in claims) if v]
    assert bulk == [False, True, False]
