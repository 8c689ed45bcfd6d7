"""Verdict reports: the record contract, filters, every tabular format, spreadsheet safety,
verdicts from scripts (``verifier review``), article metadata."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from tests.conftest import write
from tests.reports import ARTICLE, HOSTILE, SCRIPT, review_claims
from verifier import pipeline
from verifier.articles import ArticleMeta
from verifier.cli import cli
from verifier.errors import InputError
from verifier.export import (
    ASSIGNMENT_FIELDS,
    HISTORY_FIELDS,
    REPORT_EVIDENCE_FIELDS,
    REPORT_FIELDS,
    ReportFilter,
    safe_cell,
)
from verifier.labels import Label
from verifier.readers import read_reviews
from verifier.review import history
from verifier.workbench import Workbench


@pytest.fixture
def claims(bench: Workbench, sources: Path) -> list[int]:
    """The test article's claims, matched; the first two reviewed."""
    return review_claims(bench, sources)


def run(bench: Workbench, tmp_path: Path, *args: str) -> Result:
    """A command on the bench's database. Commands embed with the real model, so they get
    their own index folder (filled from the database when they open)."""
    home = ["--home", str(tmp_path / "cli-home"), "--db", bench.settings.database_url]
    return CliRunner().invoke(cli, [*home, *args])


def records(bench: Workbench, **filters: object) -> list[dict[str, object]]:
    from verifier.export import report_records

    with bench.db.session() as s:
        return list(report_records(s, ReportFilter(**filters)))  # type: ignore[arg-type]


def test_a_record_holds_article_claim_suggestion_review_and_cited_evidence(
    bench: Workbench, claims: list[int]
) -> None:
    pipeline.assign_claims(bench, claims[:1], "Lee", "dana")
    first, second = records(bench)
    assert list(first) == list(REPORT_FIELDS)
    assert (first["assigned_to"], second["assigned_to"]) == ("Lee", None)
    assert first["claim_id"] == claims[0] and first["article_title"] == "Latakia"
    assert first["article_url"] == "https://news.example.org/latakia"
    assert (first["article_outlet"], first["article_author"]) == ("Example News", "R. Porter")
    assert first["article_date"] == "2015-09-14"
    assert first["factcheck_url"] == "https://desk.example.org/checks/latakia"
    assert ARTICLE[first["start"] : first["end"]] == first["claim"]  # type: ignore[misc]
    assert first["claim"] in first["sentence"]  # type: ignore[operator]
    assert first["suggested_verdict"] in set(Label) and first["confidence"] is not None
    assert first["retriever"] and first["stance_model"] and first["suggested_at"]
    assert (first["verdict"], first["reviewer"], first["note"]) == ("supported", "dana", HOSTILE)
    assert first["reviewed_at"] and first["history_entries"] == 1
    [cited] = first["evidence"]  # type: ignore[misc]
    assert list(cited) == list(REPORT_EVIDENCE_FIELDS)
    assert cited["document"] == "Russia readies Latakia air base" and cited["outlet"] == "Test Wire"
    assert cited["url"] == "https://wire.example.com/base" and cited["date"] == "2015-09-14"
    assert 0 < cited["similarity"] <= 1 and cited["quote"]
    assert second["history_entries"] == 2 and second["evidence"] == []
    assert second["verdict"] == "disputed" and second["note"] == "second look: " + SCRIPT


def test_filters_pick_claims(bench: Workbench, claims: list[int]) -> None:
    def ids(**filters: object) -> list[object]:
        return [r["claim_id"] for r in records(bench, **filters)]

    assert ids() == claims[:2]
    assert ids(reviewed_only=False) == claims
    assert ids(reviewer="lee") == [claims[1]]
    assert ids(verdicts=(Label.DISPUTED,)) == [claims[1]]
    assert ids(verdicts=(Label.SUPPORTED, Label.DISPUTED)) == claims[:2]
    today = date.today()
    assert ids(since=today - timedelta(days=1), until=today + timedelta(days=1)) == claims[:2]
    assert ids(since=today + timedelta(days=2)) == []
    assert ids(articles=(999,)) == []
    assert ids(min_confidence=1.01) == []
    pipeline.assign_claims(bench, [claims[1], claims[-1]], "Ana", "dana")
    assert ids(assigned_to="Ana") == [claims[1]]
    assert ids(assigned_to="Ana", reviewed_only=False) == [claims[1], claims[-1]]
    assert ids(assigned_to="Bo", reviewed_only=False) == []


def test_every_tabular_format_writes_the_same_records_with_inert_cells(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    expected = records(bench)
    for suffix in (".jsonl", ".csv", ".xlsx", ".parquet"):
        report = pipeline.export_report(bench, ReportFilter(), tmp_path / f"r{suffix}")
        assert report.records == 2 and report.format == suffix[1:]
    lines = (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == expected
    table = pq.read_table(tmp_path / "r.parquet")
    assert table.column_names == list(REPORT_FIELDS)
    assert table.to_pylist() == expected
    with open(tmp_path / "r.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(REPORT_FIELDS)
    assert rows[0]["note"] == "'" + HOSTILE  # shown as text, never run as a formula
    assert json.loads(rows[0]["evidence"]) == expected[0]["evidence"]
    sheet = load_workbook(tmp_path / "r.xlsx").active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == list(REPORT_FIELDS)
    note = values[1][REPORT_FIELDS.index("note")]
    assert note == "'" + HOSTILE and sheet.cell(2, REPORT_FIELDS.index("note") + 1).data_type == "s"
    assert [r[0] for r in values[1:]] == claims[:2]


def test_spreadsheet_cells_that_could_run_are_neutralised() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("plain") == "plain" and safe_cell(-1.5) == -1.5
    assert safe_cell([{"a": 1}]) == '[{"a": 1}]'


def test_scored_csv_output_neutralises_formulas(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    pipeline.ingest(bench, [sources])
    claims_file = tmp_path / "c.csv"
    with open(claims_file, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [["id", "claim"], [HOSTILE, "Russia moved equipment to Latakia."]]
        )
    pipeline.score_file(bench, claims_file, tmp_path / "s.csv")
    with open(tmp_path / "s.csv", encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["id"] == "'" + HOSTILE and row["top_uri"]


def test_an_empty_selection_and_a_bad_path_say_so_in_one_line(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="no reviewed claims match these filters"):
        pipeline.export_report(bench, ReportFilter(reviewer="nobody"), tmp_path / "r.csv")
    with pytest.raises(InputError, match="cannot tell the format"):
        pipeline.export_report(bench, ReportFilter(), tmp_path / "r.txt")
    with pytest.raises(InputError, match="a csv file must end in .csv"):
        pipeline.export_report(bench, ReportFilter(), tmp_path / "r.jsonl", "csv")
    with pytest.raises(InputError, match="does not exist"):
        pipeline.export_report(bench, ReportFilter(), tmp_path / "no" / "r.csv")
    assert not list(tmp_path.glob("r.*")) and not list(tmp_path.glob(".r.*"))


def test_the_verdict_history_lists_every_change_with_its_sign_off(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    # dana supported the first claim; lee disputed the second twice, then kim signed it off.
    assert pipeline.sign_off_claims(bench, claims[1:2], "kim") == 1
    for suffix in (".jsonl", ".csv", ".xlsx", ".parquet"):
        done = pipeline.export_history(bench, ReportFilter(), tmp_path / f"h{suffix}")
        assert (done.records, done.format) == (3, suffix[1:])
        assert done.summary().startswith("exported 3 history entries as")
    rows = [json.loads(line) for line in (tmp_path / "h.jsonl").read_text().splitlines()]
    assert [list(row) for row in rows] == [list(HISTORY_FIELDS)] * 3
    assert [(r["claim_id"], r["changed_by"], r["from_verdict"], r["to_verdict"]) for r in rows] == [
        (claims[0], "dana", None, "supported"),
        (claims[1], "lee", None, "disputed"),
        (claims[1], "lee", "disputed", "disputed"),
    ]
    assert rows[0]["note"] == HOSTILE and rows[2]["note"] == "second look: " + SCRIPT
    assert len(rows[0]["evidence"]) == 1 and rows[1]["evidence"] == []
    assert rows[1]["change_id"] < rows[2]["change_id"]
    assert rows[0]["changed_at"] <= rows[1]["changed_at"] <= rows[2]["changed_at"]
    # The sign-off is of the change that stood when it was given, not of the one before.
    assert [r["signed_off_by"] for r in rows] == [None, None, "kim"] and rows[2]["signed_off_at"]
    table = pq.read_table(tmp_path / "h.parquet")
    assert table.column_names == list(HISTORY_FIELDS) and table.to_pylist() == rows
    with open(tmp_path / "h.csv", encoding="utf-8", newline="") as handle:
        [first, *_] = list(csv.DictReader(handle))
    assert first["note"] == "'" + HOSTILE  # text in a spreadsheet, never a formula
    # The report's filters pick the claims whose history is listed.
    picked = pipeline.export_history(bench, ReportFilter(reviewer="lee"), tmp_path / "lee.jsonl")
    assert picked.records == 2
    with pytest.raises(
        InputError, match="verdict history is written as jsonl, .*, md, not claimreview"
    ):
        pipeline.export_history(bench, ReportFilter(), tmp_path / "h.json", "claimreview")
    with pytest.raises(InputError, match="no reviewed claims with a verdict history match"):
        pipeline.export_history(bench, ReportFilter(reviewer="nobody"), tmp_path / "n.html")
    assert not list(tmp_path.glob("h.json")) and not list(tmp_path.glob("n.html"))
    # From the command line, as from a script.
    out = tmp_path / "cli.jsonl"
    done_cli = run(
        bench, tmp_path, "export", "--history", "--out", str(out), "--verdict", "disputed"
    )
    assert done_cli.exit_code == 0 and "exported 2 history entries as jsonl" in done_cli.output
    assert [json.loads(line) for line in out.read_text().splitlines()] == rows[1:]
    refused = run(bench, tmp_path, "export", "--history", "--out", str(tmp_path / "h.json"))
    assert refused.exit_code == 2 and "--history writes a table (csv" in refused.output
    assert "not claimreview" in refused.output and not (tmp_path / "h.json").exists()


def test_the_assignment_history_lists_every_hand_over(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    # The first claim (reviewed) goes to Lee, then to Ana; the last (open) to Ana, then back.
    pipeline.assign_claims(bench, claims[:1], "Lee Park", "dana")
    pipeline.assign_claims(bench, [claims[0], claims[-1]], "Ana Lima", "dana")
    pipeline.assign_claims(bench, claims[-1:], None, "kim")
    everything = ReportFilter(reviewed_only=False)
    assert pipeline.count_history(bench, everything, "assignments") == 4
    for suffix in (".jsonl", ".csv", ".xlsx", ".parquet"):
        out = tmp_path / f"a{suffix}"
        done = pipeline.export_history(bench, everything, out, trail="assignments")
        assert (done.records, done.format) == (4, suffix[1:])
    rows = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert [list(row) for row in rows] == [list(ASSIGNMENT_FIELDS)] * 4
    # Claim by claim in reading order, oldest change first; None is nobody.
    assert [
        (r["claim_id"], r["changed_by"], r["from_assignee"], r["to_assignee"]) for r in rows
    ] == [
        (claims[0], "dana", None, "Lee Park"),
        (claims[0], "dana", "Lee Park", "Ana Lima"),
        (claims[-1], "dana", None, "Ana Lima"),
        (claims[-1], "kim", "Ana Lima", None),
    ]
    assert rows[0]["change_id"] < rows[1]["change_id"] and rows[0]["changed_at"]
    assert rows[0]["article_title"] and rows[0]["claim"]
    table = pq.read_table(tmp_path / "a.parquet")
    assert table.column_names == list(ASSIGNMENT_FIELDS) and table.to_pylist() == rows
    with open(tmp_path / "a.csv", encoding="utf-8", newline="") as handle:
        assert [r["to_assignee"] for r in csv.DictReader(handle)] == [
            "Lee Park",
            "Ana Lima",
            "Ana Lima",
            "",
        ]
    # The report's filters pick the claims: reviewed only (the default) leaves the open one.
    assert pipeline.count_history(bench, ReportFilter(), "assignments") == 2
    reviewed = pipeline.export_history(
        bench, ReportFilter(), tmp_path / "r.csv", trail="assignments"
    )
    assert reviewed.records == 2
    # Claims never handed over have none; nor is there a history by another name.
    with pytest.raises(InputError, match="no reviewed claims with an assignment history match"):
        pipeline.export_history(
            bench, ReportFilter(reviewer="lee"), tmp_path / "n.csv", trail="assignments"
        )
    with pytest.raises(InputError, match="the assignment history is written as jsonl"):
        pipeline.export_history(bench, everything, tmp_path / "a.json", trail="assignments")
    with pytest.raises(InputError, match="no history called 'reviews': choose one of verdicts"):
        pipeline.export_history(bench, everything, tmp_path / "x.csv", trail="reviews")
    assert not list(tmp_path.glob("n.csv")) and not list(tmp_path.glob("x.csv"))
    # From the command line: --history takes the trail's name.
    out = tmp_path / "cli.jsonl"
    done_cli = run(
        bench, tmp_path, "export", "--history", "assignments", "--all", "--out", str(out)
    )
    assert done_cli.exit_code == 0 and "exported 4 history entries as jsonl" in done_cli.output
    assert [json.loads(line) for line in out.read_text().splitlines()] == rows
    wrong = run(bench, tmp_path, "export", "--history", "handovers", "--out", str(out))
    assert wrong.exit_code == 2 and "'handovers' is not one of 'verdicts', 'assignments'" in (
        wrong.output
    )


@pytest.mark.model
def test_the_export_command_filters_and_reports(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    out = tmp_path / "d.jsonl"
    done = run(bench, tmp_path, "export", "--out", str(out), "--verdict", "disputed")
    assert done.exit_code == 0, done.output
    assert f"exported 1 claim(s) as jsonl -> {out}" in done.output
    assert [json.loads(line)["claim_id"] for line in out.read_text().splitlines()] == [claims[1]]
    everything = run(bench, tmp_path, "export", "--out", str(tmp_path / "a.csv"), "--all")
    assert everything.exit_code == 0 and f"exported {len(claims)} claim(s)" in everything.output
    empty = run(bench, tmp_path, "export", "--out", str(out), "--reviewer", "nobody")
    assert empty.exit_code == 1 and "no reviewed claims match" in empty.output
    pipeline.assign_claims(bench, claims[-1:], "Ana Lima", "dana")
    worklist = tmp_path / "ana.csv"
    ana = run(
        bench, tmp_path, "export", "--out", str(worklist), "--assigned-to", "Ana  Lima", "--all"
    )
    assert ana.exit_code == 0 and "exported 1 claim(s)" in ana.output, ana.output
    assert pd.read_csv(worklist)[["claim_id", "assigned_to"]].values.tolist() == [
        [claims[-1], "Ana Lima"]
    ]
    bad_day = run(bench, tmp_path, "export", "--out", str(out), "--since", "last week")
    assert bad_day.exit_code == 2 and "YYYY-MM-DD" in bad_day.output


def test_one_export_command_writes_several_formats(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    outs = [tmp_path / name for name in ("r.csv", "r.html", "r.jsonl")]
    done = run(bench, tmp_path, "export", *(f"--out={out}" for out in outs), "--all")
    assert done.exit_code == 0, done.output
    for out, fmt in zip(outs, ("csv", "html", "jsonl"), strict=True):
        assert f"exported {len(claims)} claim(s) as {fmt} -> {out}" in done.output
    records = [json.loads(line) for line in outs[2].read_text().splitlines()]
    assert [r["claim_id"] for r in records] == claims
    with open(outs[0], encoding="utf-8", newline="") as handle:
        assert [int(row["claim_id"]) for row in csv.DictReader(handle)] == claims
    # Refused before anything is written: --format with several, or one file named twice
    # (ClaimReview's r.json also writes r.snippets.html).
    for args, said in (
        (["--out", "{d}/x.csv", "--out", "{d}/x.md", "--format", "csv"], "one --out only"),
        (["--out", "{d}/x.csv", "--out", "{d}/./x.csv"], "a file of its own"),
        (["--out", "{d}/x.json", "--out", "{d}/x.snippets.html"], "a file of its own"),
        (["--out", "{d}/x.csv", "--out", "{d}/x.pdf"], "x.pdf"),
    ):
        refused = run(bench, tmp_path, "export", *(a.format(d=tmp_path) for a in args))
        assert refused.exit_code != 0 and said in refused.output, refused.output
        assert not list(tmp_path.glob("x.*"))
    # ClaimReview goes first: where it can publish none of the claims (none reviewed), the
    # table named before it is not written either.
    other = pipeline.check_article(bench, "Russia moved jets to Latakia.", threshold=0).article
    outs = [f"--out={tmp_path}/x.csv", f"--out={tmp_path}/x.json", "--publisher=Desk"]
    refused = run(bench, tmp_path, "export", *outs, "--all", f"--article={other.id}")
    assert refused.exit_code == 1 and "no claim can be published as ClaimReview" in refused.output
    assert not list(tmp_path.glob("x.*"))


@pytest.mark.model
def test_exporting_listing_and_reviewing_load_no_model(
    bench: Workbench, claims: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIFIER_MODEL_DIR", str(tmp_path))  # a folder with no model in it
    matching = run(bench, tmp_path, "match")
    assert matching.exit_code == 1 and "model.safetensors" in matching.output
    out = tmp_path / "all.csv"
    done = run(bench, tmp_path, "export", "--out", str(out), "--all")
    assert done.exit_code == 0 and f"exported {len(claims)} claim(s)" in done.output
    listed = run(bench, tmp_path, "sources")
    assert listed.exit_code == 0 and "source(s)" in listed.output
    review = ["review", str(claims[2]), "--verdict", "supported", "--reviewer", "kim"]
    assert run(bench, tmp_path, *review).exit_code == 0


@pytest.mark.model
def test_verdicts_from_scripts_go_through_the_same_history(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    third = str(claims[2])
    done = run(
        bench,
        tmp_path,
        "review",
        third,
        "--verdict",
        "unverified",
        "--reviewer",
        "kim",
        "--note",
        "n",
    )
    assert done.exit_code == 0, done.output
    assert f"claim {third}: unreviewed -> unverified by kim" in done.output
    verdicts = write(
        tmp_path,
        "v.csv",
        f"claim_id,verdict,reviewer,note\n{third},disputed,ana,from the desk\n"
        f"{claims[0]},Supported,ana,\n",
    )
    imported = run(bench, tmp_path, "review", "--import", str(verdicts))
    assert imported.exit_code == 0 and "imported 2 verdict(s)" in imported.output
    with bench.db.session() as s:
        changes = history(s, claims[2])
    assert [(c.changed_by, c.from_label, c.to_label) for c in changes] == [
        ("kim", None, Label.UNVERIFIED),
        ("ana", Label.UNVERIFIED, Label.DISPUTED),
    ]
    bad = write(tmp_path, "b.csv", f"claim_id,verdict,reviewer\n{third},false,ana\n")
    refused = run(bench, tmp_path, "review", "--import", str(bad))
    assert refused.exit_code == 1 and "b.csv:2: verdict must be one of" in refused.output
    unknown = write(
        tmp_path,
        "u.csv",
        f"claim_id,verdict,reviewer\n{third},supported,ana\n999999,supported,ana\n",
    )
    refused = run(bench, tmp_path, "review", "--import", str(unknown))
    assert (
        refused.exit_code == 1
        and "line 3: no claim with id 999999; nothing was imported" in refused.output
    )
    with bench.db.session() as s:
        assert len(history(s, claims[2])) == 2  # the good first row was not kept either
    missing = write(tmp_path, "m.csv", "claim_id,reviewer\n1,ana\n")
    refused = run(bench, tmp_path, "review", "--import", str(missing))
    assert refused.exit_code == 1 and "no 'verdict' column" in refused.output
    usage = run(bench, tmp_path, "review", third)
    assert usage.exit_code == 2 and "give CLAIM_ID, --verdict and --reviewer" in usage.output


def test_imported_evidence_is_ids_or_a_report_s_json_and_blank_verdicts_wait(
    tmp_path: Path,
) -> None:
    evidence = [
        '"4 5;6"',
        '"[4, 5]"',
        '"[{""passage_id"": 4, ""quote"": ""x""}]"',
        '"[]"',
        "",
    ]
    lines = [f"{n},supported,ana,{cell}" for n, cell in enumerate(evidence, start=1)]
    path = write(
        tmp_path, "v.csv", "\n".join(["claim_id,verdict,reviewer,evidence", *lines, "9,,,"])
    )
    found = read_reviews(path, 2**20)
    assert [row.evidence for row in found.rows] == [(4, 5, 6), (4, 5), (4,), (), ()]
    assert found.undecided == [7]
    for bad in ('"[{""id"": 4}]"', "four", '"[[4]]"', '"[4"'):
        path = write(
            tmp_path, "b.csv", f"claim_id,verdict,reviewer,evidence\n1,supported,ana,{bad}\n"
        )
        with pytest.raises(InputError, match="b.csv:2: evidence must be passage ids"):
            read_reviews(path, 2**20)
    blank = write(tmp_path, "n.csv", "claim_id,verdict,reviewer\n1,,\n2, ,\n")
    with pytest.raises(InputError, match=r"n.csv: holds no verdicts \(2 row\(s\) without one\)"):
        read_reviews(blank, 2**20)


def test_a_sheet_of_verdicts_uploaded_in_the_app_is_imported_or_named_as_uploaded(
    bench: Workbench, claims: list[int]
) -> None:
    sheet = f"claim_id,verdict,reviewer\n{claims[2]},disputed,ana\n{claims[3]},,\n".encode()
    report = pipeline.import_review_upload(bench, "desk verdicts.csv", sheet)
    assert report.summary() == "1 verdict(s) (1 without a verdict)"
    with pytest.raises(InputError) as error:
        pipeline.import_review_upload(bench, "desk.csv", b"claim_id,verdict\n1,supported\n")
    assert str(error.value).startswith("desk.csv: no 'reviewer' column")
    assert not [p for p in bench.settings.home.rglob("*") if ".staging" in p.name]
    assert report.warnings == []
    # What reading it noted comes back with the report, for the page to show.
    note = "Россия перебросила 28 самолётов на авиабазу в Латакии (сообщили в министерстве)"
    saved = f"claim_id,verdict,reviewer,note\n{claims[2]},supported,ana,{note}\n".encode("cp1251")
    [warning] = pipeline.import_review_upload(bench, "desk verdicts.csv", saved).warnings
    assert warning.startswith("desk verdicts.csv: not UTF-8, read as ")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_verdict_report_filled_in_a_spreadsheet_comes_back(
    bench: Workbench, claims: list[int], tmp_path: Path, suffix: str
) -> None:
    """Export every claim, decide one more in the sheet, import the sheet: only that claim
    gets a history entry; the reviewed claims, unchanged (a formula-like note, cited
    evidence as the report's JSON), and the undecided ones are counted and left."""
    report = tmp_path / f"report{suffix}"
    done = run(bench, tmp_path, "export", "--out", str(report), "--all")
    assert done.exit_code == 0, done.output
    if suffix == ".xlsx":
        book = load_workbook(report)
        sheet = book.active
        header = [cell.value for cell in sheet[1]]
        rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    else:
        with report.open(newline="", encoding="utf-8") as handle:
            header, *rows = list(csv.reader(handle))
    column = {name: header.index(name) for name in ("claim_id", "verdict", "reviewer", "note")}
    assert len(rows) == len(claims) >= 3
    third = next(row for row in rows if int(row[column["claim_id"]]) == claims[2])
    assert not third[column["verdict"]]  # not decided yet
    third[column["verdict"]], third[column["reviewer"]] = "unverified", "kim"
    third[column["note"]] = "-no source yet"  # a formula-like note, as a desk may type
    if suffix == ".xlsx":
        for number, row in enumerate(rows, start=2):
            for index, value in enumerate(row, start=1):
                sheet.cell(number, index, value)
        book.save(report)
    else:
        with report.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([header, *rows])

    imported = run(bench, tmp_path, "review", "--import", str(report))
    assert imported.exit_code == 0, imported.output
    undecided = len(claims) - 3
    assert f"imported 1 verdict(s) (2 unchanged, {undecided} without a verdict)" in (
        imported.output
    )
    with bench.db.session() as s:
        assert [len(history(s, claim_id)) for claim_id in claims[:3]] == [1, 2, 1]
        [change] = history(s, claims[2])
    assert (change.changed_by, change.to_label, change.note) == (
        "kim",
        Label.UNVERIFIED,
        "-no source yet",
    )
    again = run(bench, tmp_path, "review", "--import", str(report))
    assert f"imported 0 verdict(s) (3 unchanged, {undecided} without a verdict)" in again.output


def test_an_exported_sheet_never_undoes_a_verdict_given_after_the_export(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    """A sheet exported, then filled in while colleagues go on in the workbench: its rows
    left as exported keep the newer verdicts; a row it changed is refused until the
    importer chooses to replace, and the refusal records nothing."""
    report = tmp_path / "report.csv"
    assert run(bench, tmp_path, "export", "--out", str(report), "--all").exit_code == 0
    pipeline.review_claim(bench, claims[0], "disputed", "lee", "the wire corrected it")
    pipeline.review_claim(bench, claims[2], "supported", "lee")
    with report.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    column = {name: header.index(name) for name in ("claim_id", "verdict", "reviewer")}
    lines = {int(row[column["claim_id"]]): line for line, row in enumerate(rows, start=2)}
    third = rows[lines[claims[2]] - 2]
    third[column["verdict"]], third[column["reviewer"]] = "unverified", "kim"
    with report.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    with bench.db.session() as s:
        before = [history(s, claim_id) for claim_id in claims[:3]]

    refused = run(bench, tmp_path, "review", "--import", str(report))
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        f"Error: 1 row(s) would replace a verdict given after the file was exported (line "
        f"{lines[claims[2]]}: claim #{claims[2]} was marked supported by lee at "
    )
    assert "nothing was imported" in refused.stderr and "--replace-newer" in refused.stderr
    with bench.db.session() as s:
        assert [history(s, claim_id) for claim_id in claims[:3]] == before

    replaced = run(bench, tmp_path, "review", "--import", str(report), "--replace-newer")
    assert replaced.exit_code == 0, replaced.output
    undecided = len(claims) - 3
    assert (
        "imported 1 verdict(s) (1 unchanged, 1 left as exported, whose newer verdict was "
        f"kept, {undecided} without a verdict)"
    ) in replaced.output
    with bench.db.session() as s:
        first, third_now = history(s, claims[0])[-1], history(s, claims[2])[-1]
        assert len(history(s, claims[0])) == len(before[0])  # lee's verdict stands
    assert (first.changed_by, first.to_label) == ("lee", Label.DISPUTED)
    assert (third_now.changed_by, third_now.to_label) == ("kim", Label.UNVERIFIED)
    assert (
        "--replace-newer goes with --import"
        in run(bench, tmp_path, "review", "--replace-newer").output
    )


def test_a_reports_history_count_is_read_and_a_bad_one_named(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "v.csv",
        "claim_id,verdict,reviewer,history_entries\n1,supported,ana,2\n2,disputed,ana,\n"
        "3,supported,ana,1.0\n",
    )
    assert [row.seen for row in read_reviews(path, 2**20).rows] == [2, None, 1]
    for bad in ("two", "-1", "1.5", "nan"):
        path = write(
            tmp_path, "b.csv", f"claim_id,verdict,reviewer,history_entries\n1,supported,ana,{bad}\n"
        )
        with pytest.raises(InputError, match="b.csv:2: history_entries .* is not a count"):
            read_reviews(path, 2**20)


@pytest.mark.model
def test_article_details_are_checked_and_updated_on_a_second_extract(
    bench: Workbench, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="date 'soon' is not a date"):
        ArticleMeta.parse(published="soon")
    with pytest.raises(InputError, match="must start with http"):
        ArticleMeta.parse(url="javascript:alert(1)")
    assert ArticleMeta.parse(url=" ", outlet="  Wire ") == ArticleMeta(outlet="Wire")
    article = write(tmp_path, "a.txt", ARTICLE)
    first = run(
        bench, tmp_path, "claims", "extract", str(article), "--min-score", "0", "--outlet", "Wire"
    )
    assert first.exit_code == 0, first.output
    again = run(
        bench,
        tmp_path,
        "claims",
        "extract",
        str(article),
        "--min-score",
        "0",
        "--date",
        "2015-09-14",
        "--author",
        "R.",
    )
    assert again.exit_code == 0, again.output
    [record] = records(bench, reviewed_only=False)[:1]
    assert (record["article_outlet"], record["article_date"], record["article_author"]) == (
        "Wire",
        "2015-09-14",
        "R.",
    )


def test_an_import_reads_its_claims_in_one_query_not_one_per_row(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    rows = "".join(f"{claim_id},unverified,ana\n" for claim_id in claims)
    path = write(tmp_path, "v.csv", "claim_id,verdict,reviewer\n" + rows)
    selects: list[str] = []

    def count(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    sa.event.listen(bench.db.engine, "before_cursor_execute", count)
    try:
        report = pipeline.import_reviews(bench, path)
    finally:
        sa.event.remove(bench.db.engine, "before_cursor_execute", count)
    assert len(report.changes) == len(claims) >= 3
    assert len(selects) <= 2, selects  # the claims, then their verdicts


def test_an_article_file_gives_its_details_and_the_caller_overrides_them(
    bench: Workbench, tmp_path: Path
) -> None:
    front = (
        "---\ntitle: Latakia build-up\noutlet: File Outlet\n"
        "url: https://file.example.org/a\ndate: 2015-09-15\n---\n"
    )
    article = write(tmp_path, "a.md", front + ARTICLE)
    pipeline.extract_article_file(bench, article, threshold=0, meta=ArticleMeta(outlet="Given"))
    [record, *_] = records(bench, reviewed_only=False)
    assert (record["article_outlet"], record["article_url"], record["article_date"]) == (
        "Given",
        "https://file.example.org/a",
        "2015-09-15",
    )
    bad = write(tmp_path, "b.md", "---\nurl: ftp://x\n---\n" + ARTICLE)
    with pytest.raises(InputError, match="b.md: article url 'ftp://x' must start with http"):
        pipeline.extract_article_file(bench, bad, threshold=0)
