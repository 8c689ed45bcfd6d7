"""Outlet labels: the desk's word on an outlet, set and cleared (by an editor once accounts
are in use), shown with every passage from it and carried into reports."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.reports import review_claims
from verifier import accounts, pipeline
from verifier.cli import cli
from verifier.errors import InputError
from verifier.export import ClaimRecord, ReportFilter, report_records
from verifier.views import article_claims, list_articles
from verifier.workbench import Workbench


def test_a_label_is_found_whatever_the_case_and_spacing_and_replaced_when_set_again(
    bench: Workbench,
) -> None:
    pipeline.label_outlet(bench, "  Test   Wire ", "wire", None, "dana")
    pipeline.label_outlet(bench, "test wire", "wire service", "Checks its copy", "lee")
    [label] = pipeline.list_outlet_labels(bench)
    assert (label.outlet, label.label, label.note, label.set_by) == (
        "test wire",
        "wire service",
        "Checks its copy",
        "lee",
    )
    pipeline.unlabel_outlet(bench, "TEST WIRE", "lee")
    assert pipeline.list_outlet_labels(bench) == []
    for call, message in (
        (lambda: pipeline.label_outlet(bench, " ", "wire", None, "dana"), "name the outlet"),
        (lambda: pipeline.label_outlet(bench, "X", " ", None, "dana"), "give 'X' a label"),
        (lambda: pipeline.label_outlet(bench, "X", "y", None, " "), "enter your name"),
        (lambda: pipeline.label_outlet(bench, "X", "y" * 65, None, "dana"), "over the 64"),
        (lambda: pipeline.label_outlet(bench, "X", "y", None, "d" * 300), "set_by is 300"),
        (lambda: pipeline.unlabel_outlet(bench, "X", "dana"), "'X' has no label"),
    ):
        with pytest.raises(InputError, match=message):
            call()
    assert pipeline.list_outlet_labels(bench) == []


def test_every_change_of_a_label_is_kept_with_who_and_when(bench: Workbench) -> None:
    pipeline.label_outlet(bench, "Test Wire", "wire", None, "dana")
    pipeline.label_outlet(bench, "test  wire", "wire", None, "lee")  # the same: no change
    pipeline.label_outlet(bench, "Test Wire", "state media", "Ministry-run", "lee")
    pipeline.label_outlet(bench, "Other Post", "satire", None, "dana")
    pipeline.unlabel_outlet(bench, "TEST WIRE", "dana")
    changes = pipeline.outlet_label_changes(bench)
    assert [(c.outlet, c.summary(), c.note, c.changed_by) for c in changes] == [
        ("Test Wire", "cleared (was 'state media')", None, "dana"),
        ("Other Post", "'satire' set", None, "dana"),
        ("Test Wire", "'state media' (was 'wire')", "Ministry-run", "lee"),
        ("Test Wire", "'wire' set", None, "dana"),
    ]
    assert changes[0].changed_at >= changes[-1].changed_at
    wire = pipeline.outlet_label_changes(bench, " test wire ")
    assert [c.summary() for c in wire] == [
        changes[0].summary(),
        *[c.summary() for c in changes[2:]],
    ]
    # A refused change leaves no trace.
    with pytest.raises(InputError, match="has no label"):
        pipeline.unlabel_outlet(bench, "Test Wire", "dana")
    assert len(pipeline.outlet_label_changes(bench)) == 4


def test_with_accounts_only_an_editor_labels_outlets(bench: Workbench) -> None:
    accounts.add_account(bench.db, "Ana Lima", "a long enough password", editor=True)
    accounts.add_account(bench.db, "Lee Park", "a long enough password")
    with pytest.raises(InputError, match="labelling outlets is for editors"):
        pipeline.label_outlet(bench, "Test Wire", "wire", None, "Lee Park")
    with pytest.raises(InputError, match="'dana' is not an active account"):
        pipeline.label_outlet(bench, "Test Wire", "wire", None, "dana")
    pipeline.label_outlet(bench, "Test Wire", "wire", None, "ana  lima".title())
    assert [item.set_by for item in pipeline.list_outlet_labels(bench)] == ["Ana Lima"]


def test_the_label_shows_with_the_evidence_and_in_reports(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    claims = review_claims(bench, sources)  # the first cites a passage of the Test Wire
    pipeline.label_outlet(bench, "test wire", "state media", "Owned by the ministry", "dana")
    with bench.db.session() as session:
        [article] = list_articles(session)
        views = {view.id: view for view in article_claims(session, article.id)}
    evidence = [item for view in views.values() for item in view.evidence]
    labelled = [item for item in evidence if item.outlet == "Test Wire"]
    assert labelled and {(i.outlet_label, i.outlet_note) for i in labelled} == {
        ("state media", "Owned by the ministry")
    }
    assert all(item.outlet_label is None for item in evidence if item.outlet != "Test Wire")
    with bench.db.session() as session:
        [record, *_] = list(report_records(session, ReportFilter()))
    assert record["claim_id"] == claims[0]
    [cited] = record["evidence"]  # type: ignore[misc]
    assert (cited["outlet"], cited["outlet_label"]) == ("Test Wire", "state media")
    pipeline.export_report(bench, ReportFilter(), tmp_path / "r.html")
    assert "Test Wire <strong>[state media]</strong>" in (tmp_path / "r.html").read_text()
    # Bulk scoring carries it too, in each evidence passage.
    [scored] = pipeline.score_claims(bench, ["Russia moved equipment to the Latakia airfield."], 5)
    record = ClaimRecord.from_scored(scored).to_dict()
    outlets = {(e["outlet"], e["outlet_label"]) for e in record["evidence"]}  # type: ignore[attr-defined]
    assert ("Test Wire", "state media") in outlets
    assert all(label is None for outlet, label in outlets if outlet != "Test Wire")


def test_a_web_domain_labels_every_source_on_it(bench: Workbench, tmp_path: Path) -> None:
    """Desks' lists of state media and fake sites go by domain: a label of ``rt.com`` is
    shown with any source at an address on it, whatever (or none) its outlet's name."""
    rows = [
        ("1", "RT International", "https://www.rt.com/news/1", "Russian jets landed in Latakia."),
        ("2", "", "https://de.rt.com/a/2", "Russian jets landed at the base in Latakia."),
        ("3", "RT", "https://rt.com/3", "Jets were seen landing in Latakia, RT said."),
        ("4", "Not RT", "https://notrt.com/4", "Jets landed in Latakia, a blog said."),
        ("5", "Desk", "", "Our reporter saw jets land in Latakia."),
    ]
    table = tmp_path / "wires.csv"
    with table.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([("id", "outlet", "url", "text"), *rows])
    pipeline.ingest(bench, [table])
    pipeline.label_outlet(bench, "RT.com", "state media", "Kremlin-funded", "dana")
    pipeline.label_outlet(bench, "rt", "wire", None, "dana")  # its own name's label wins
    found = pipeline.find_passages(bench, "Russian jets landed in Latakia", 10)
    labels = {e.text: e.outlet_label for e in found}
    assert labels == {
        rows[0][3]: "state media",
        rows[1][3]: "state media",
        rows[2][3]: "wire",
        rows[3][3]: None,  # another domain that ends the same way
        rows[4][3]: None,  # no web address
    }
    # On the review pages (with the label's note) and in reports alike.
    article = pipeline.extract_article(bench, "Russian jets landed in Latakia on Monday.")
    pipeline.match_claims(bench, [article.claims[0].id], top_k=10)
    with bench.db.session() as session:
        [view] = article_claims(session, article.id)
    shown = {(e.outlet, e.outlet_label, e.outlet_note) for e in view.evidence}
    assert ("RT International", "state media", "Kremlin-funded") in shown
    assert ("RT", "wire", None) in shown and ("Not RT", None, None) in shown
    pipeline.review_claim(
        bench, view.id, "disputed", "dana", "", [e.passage_id for e in view.evidence]
    )
    with bench.db.session() as session:
        [record] = list(report_records(session, ReportFilter()))
    cited = {e["url"]: e["outlet_label"] for e in record["evidence"]}  # type: ignore[attr-defined]
    assert cited["https://de.rt.com/a/2"] == "state media" and cited["https://notrt.com/4"] is None


def test_the_outlets_command_sets_lists_and_clears(bench: Workbench, tmp_path: Path) -> None:
    def run(*args: str) -> str:
        home = ["--home", str(tmp_path / "cli"), "--db", bench.settings.database_url]
        done = CliRunner().invoke(cli, [*home, "outlets", *args])
        assert done.exit_code == 0, done.output
        return done.output

    assert "no outlet labelled yet" in run("list")
    said = run(
        "set", "Northern Star Agency", "state media", "--note", "Ministry-run", "--by", "dana"
    )
    assert said.strip() == "'Northern Star Agency' labelled 'state media'"
    assert run("list").startswith("Northern Star Agency\tstate media\tMinistry-run\tdana, 20")
    assert "cleared" in run("clear", "northern star agency", "--by", "dana")
    history = run("history", "NORTHERN STAR AGENCY").splitlines()
    assert [line.split("\t")[1:] for line in history] == [
        ["dana", "Northern Star Agency", "cleared (was 'state media')"],
        ["dana", "Northern Star Agency", "'state media' set", "Ministry-run"],
    ]
    assert "no change of 'Nobody''s label yet" in run("history", "Nobody")
    refused = CliRunner().invoke(
        cli,
        ["--home", str(tmp_path / "cli"), "--db", bench.settings.database_url]
        + ["outlets", "clear", "Nobody", "--by", "dana"],
    )
    assert refused.exit_code == 1 and "'Nobody' has no label" in refused.output
