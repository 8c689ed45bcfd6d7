"""Passages that repeat each other (the same wire copy in several outlets) are marked: one
source's word is not independent corroboration."""

from __future__ import annotations

from pathlib import Path

from conftest import write

from ui.components import evidence_heading
from verifier import pipeline
from verifier.copies import copies
from verifier.export import ReportFilter, report_records
from verifier.views import claim_view
from verifier.workbench import Workbench

WIRE = (
    "Russia has moved 28 combat aircraft to the Latakia air base in western Syria, two US "
    "officials said on Monday, in the clearest sign yet of a build-up."
)


def test_a_copy_is_the_same_words_from_another_source_an_excerpt_too() -> None:
    texts = [
        WIRE,
        "MOSCOW (Wire) — " + WIRE.upper(),  # another outlet's copy, its own dateline
        "Two US officials said on Monday that Moscow had sent 28 jets to Latakia.",  # paraphrase
        WIRE.split(",")[0] + ", two US officials said on Monday.",  # an excerpt, same words
        WIRE,  # the same source again: not a second source
        "Russia has moved 28 combat aircraft.",  # too short to tell
    ]
    sources = ["wire", "post", "times", "daily", "wire", "brief"]
    assert copies(texts, sources) == [None, 0, None, 0, None, None]


def test_the_evidence_view_marks_the_copy_with_the_rank_it_repeats(
    bench: Workbench, tmp_path: Path
) -> None:
    folder = tmp_path / "sources"
    write(folder, "wire.md", f"---\ntitle: Jets at Latakia\noutlet: Wire\n---\n{WIRE}\n")
    write(folder, "post.md", f"---\ntitle: Build-up\noutlet: Post\n---\nBy our staff.\n\n{WIRE}\n")
    write(folder, "other.md", "---\ntitle: Weather\n---\nHeavy rain is expected on the coast.\n")
    pipeline.ingest(bench, [folder])
    article = pipeline.extract_article(bench, WIRE, title="Draft")
    pipeline.match_claims(bench, article_id=article.id, top_k=5)
    with bench.db.session() as session:
        view = claim_view(session, article.claims[0].id)
    assert view is not None
    by_outlet = {item.outlet: item for item in view.evidence}
    first, second = sorted([by_outlet["Wire"], by_outlet["Post"]], key=lambda item: item.rank)
    assert first.copy_of is None and second.copy_of == first.rank
    assert f"same text as #{first.rank}" in evidence_heading(second)
    assert "same text as" not in evidence_heading(first)


def test_a_report_says_which_cited_passage_repeats_another(
    bench: Workbench, tmp_path: Path
) -> None:
    folder = tmp_path / "sources"
    write(folder, "wire.md", f"---\ntitle: Jets at Latakia\noutlet: Wire\n---\n{WIRE}\n")
    write(folder, "post.md", f"---\ntitle: Build-up\noutlet: Post\n---\nBy our staff.\n\n{WIRE}\n")
    pipeline.ingest(bench, [folder])
    article = pipeline.extract_article(bench, WIRE, title="Draft")
    pipeline.match_claims(bench, article_id=article.id, top_k=5)
    claim_id = article.claims[0].id
    with bench.db.session() as session:
        view = claim_view(session, claim_id)
    assert view is not None
    cited = [item.passage_id for item in view.evidence if item.outlet in ("Wire", "Post")]
    pipeline.review_claim(bench, claim_id, "supported", "dana", evidence=cited)
    with bench.db.session() as session:
        [record] = [r for r in report_records(session, ReportFilter()) if r["claim_id"] == claim_id]
    first, second = record["evidence"]  # type: ignore[misc]
    assert (first["copy_of"], second["copy_of"]) == (None, first["passage_id"])
    out = tmp_path / "report.html"
    pipeline.export_report(bench, ReportFilter(), out)
    said = f"same text as the quote from {first['outlet']}</strong>: not a second source"
    assert said in out.read_text(encoding="utf-8")
