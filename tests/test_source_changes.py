"""Removing and replacing sources: by path, URL or uri; the claims that cited them matched
again; reviewers' cited passages kept (marked removed) and ranks renumbered; on both
databases."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import pytest

from tests.conftest import write
from verifier import notices, pipeline
from verifier.documents import list_sources
from verifier.errors import InputError
from verifier.export import ReportFilter
from verifier.labels import Label
from verifier.views import ClaimView, claim_view
from verifier.workbench import Workbench

ARTICLE = (
    "The Pentagon said Russia has moved personnel and equipment to the airfield near Latakia.\n\n"
    "Satellite images show crews extending the runways and building helicopter pads at the "
    "Syrian airport, officials said on Monday."
)


@pytest.fixture
def reviewed(bench: Workbench, sources: Path) -> ClaimView:
    """A claim reviewed relying on its best passage, from the wire story ``base.txt``."""
    pipeline.ingest(bench, [sources])
    article = pipeline.extract_article(bench, ARTICLE, title="Build-up", threshold=0.0)
    pipeline.match_claims(bench, [claim.id for claim in article.claims])
    claim = view(bench, article.claims[0].id)
    best = claim.evidence[0]
    assert best.uri == str(sources / "base.txt")
    pipeline.review_claim(bench, claim.id, Label.SUPPORTED, "dana", "wire", [best.passage_id])
    return view(bench, claim.id)


def view(bench: Workbench, claim_id: int) -> ClaimView:
    with bench.db.session() as session:
        found = claim_view(session, claim_id)
    assert found is not None
    return found


def test_removing_by_url_keeps_the_cited_passage_and_matches_again(
    bench: Workbench, sources: Path, reviewed: ClaimView
) -> None:
    cited = reviewed.cited[0]
    assert not cited.removed and "Latakia" in cited.text
    told: list[tuple[int, int]] = []
    done = pipeline.remove_sources(
        bench, ["https://wire.example.com/base"], lambda *step: told.append(step)
    )
    assert done.documents == 1 and done.passages == 2 and done.rematched >= 1
    assert told[0] == (0, done.rematched) and told[-1] == (done.rematched, done.rematched)
    after = view(bench, reviewed.id)
    # the verdict still quotes what the reviewer relied on, marked as removed
    assert after.label is Label.SUPPORTED and after.relied_on == reviewed.relied_on
    assert [(c.passage_id, c.text, c.removed) for c in after.cited] == [
        (cited.passage_id, cited.text, True)
    ]
    assert after.cited[0].url == "https://wire.example.com/base"
    # matched again: no evidence or reason from the removed source, ranks without gaps
    assert all(e.uri != str(sources / "base.txt") for e in after.evidence)
    assert [e.rank for e in after.evidence] == list(range(1, len(after.evidence) + 1))
    assert "Russia readies Latakia air base" not in (after.reason or "")
    assert bench.corpus.verify() == [] and not bench.corpus.check()


def test_the_report_quotes_a_removed_source_and_says_so(
    bench: Workbench, sources: Path, reviewed: ClaimView, tmp_path: Path
) -> None:
    pipeline.remove_sources(bench, [str(sources / "base.txt")])
    out = tmp_path / "report.jsonl"
    pipeline.export_report(bench, ReportFilter(), out)
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    (quote,) = record["evidence"]
    assert quote["source_removed"] is True and quote["quote"] == reviewed.cited[0].text
    assert quote["url"] == "https://wire.example.com/base"
    markdown = tmp_path / "report.md"
    pipeline.export_report(bench, ReportFilter(), markdown)
    assert "source removed from the desk's corpus" in markdown.read_text()


def test_a_reviewer_can_save_again_relying_on_a_removed_passage(
    bench: Workbench, sources: Path, reviewed: ClaimView
) -> None:
    pipeline.remove_sources(bench, [str(sources / "base.txt")])
    pipeline.review_claim(
        bench, reviewed.id, Label.DISPUTED, "omar", "changed my mind", reviewed.relied_on
    )
    after = view(bench, reviewed.id)
    assert after.label is Label.DISPUTED and after.cited[0].removed


def test_replacing_a_sources_text_keeps_what_was_cited(
    bench: Workbench, sources: Path, reviewed: ClaimView
) -> None:
    write(sources, "base.txt", "---\ntitle: Corrected\n---\nA corrected story about tanks.\n")
    report = pipeline.ingest(bench, [sources / "base.txt"])
    assert report.updated == 1 and reviewed.id in report.affected and report.rematched >= 1
    after = view(bench, reviewed.id)
    assert after.cited[0].removed and after.cited[0].text == reviewed.cited[0].text
    assert after.cited[0].title == "Russia readies Latakia air base"


def test_with_no_source_left_suggestions_are_cleared(
    bench: Workbench, sources: Path, reviewed: ClaimView
) -> None:
    done = pipeline.remove_sources(bench, [str(sources)])
    assert done.documents == 4 and bench.corpus.is_empty()
    after = view(bench, reviewed.id)
    assert after.evidence == [] and after.suggested is None and after.reason is None
    assert after.label is Label.SUPPORTED and after.cited[0].removed


def test_the_corpus_renumbers_the_evidence_left_when_a_source_goes(
    bench: Workbench, sources: Path, reviewed: ClaimView
) -> None:
    first = reviewed.evidence[0]
    assert first.rank == 1 and len(reviewed.evidence) > 2
    deleted = bench.corpus.remove([first.uri])  # the step before claims are matched again
    assert reviewed.id in deleted.claims
    after = view(bench, reviewed.id)
    kept = [e for e in reviewed.evidence if e.uri != first.uri]
    assert [(e.rank, e.passage_id) for e in after.evidence] == [
        (rank, e.passage_id) for rank, e in enumerate(kept, start=1)
    ]


def test_a_name_that_matches_nothing_removes_nothing(bench: Workbench, sources: Path) -> None:
    pipeline.ingest(bench, [sources])
    with pytest.raises(InputError, match="no source has the path, URL or uri 'https://nope'"):
        pipeline.remove_sources(bench, [str(sources / "weather.txt"), "https://nope"])
    with bench.db.session() as session:
        assert list_sources(session)[1] == 4


def test_a_table_file_or_a_folder_removes_every_document_in_it(
    bench: Workbench, tmp_path: Path
) -> None:
    folder = tmp_path / "desk"
    table = write(folder, "wires.jsonl", '{"text": "One wire."}\n{"text": "Two wires here."}\n')
    write(folder / "statements", "mod.txt", "The ministry said nothing today.")
    write(folder, "keep.txt", "Kept.")
    pipeline.ingest(bench, [folder])
    assert pipeline.remove_sources(bench, [str(table)]).documents == 2
    assert pipeline.remove_sources(bench, [str(folder / "statements")]).documents == 1
    with bench.db.session() as session:
        rows, total = list_sources(session)
    assert total == 1 and rows[0].uri == str(folder / "keep.txt")


def test_sources_are_listed_and_searched_with_passage_counts(
    bench: Workbench, sources: Path
) -> None:
    pipeline.ingest(bench, [sources])
    with bench.db.session() as session:
        rows, total = list_sources(session)
        found, count = list_sources(session, "WIRE.example")
        literal, none = list_sources(session, "%")
    assert total == 4 and [r.title for r in rows] == sorted(r.title for r in rows)
    assert sum(r.passages for r in rows) == bench.corpus.stats()["passages"]
    assert count == 1 and found[0].outlet == "Test Wire" and found[0].passages == 2
    assert none == 0 and literal == []


def test_passage_ids_are_not_reused_after_a_removal(bench: Workbench, sources: Path) -> None:
    pipeline.ingest(bench, [sources])
    with bench.db.session() as session:
        rows, _ = list_sources(session)
    highest = max(passage_id for passage_id in bench.corpus.index().ids())
    newest = max(rows, key=lambda row: row.id)
    pipeline.remove_sources(bench, [newest.uri])
    before = set(bench.corpus.index().ids())
    assert highest not in before  # the removed document held the highest id
    write(sources, "new.txt", "A fresh statement about the air base.")
    pipeline.ingest(bench, [sources / "new.txt"])
    (fresh,) = set(bench.corpus.index().ids()) - before
    assert fresh > highest  # SQLite would hand out the removed id again
    assert bench.corpus.words().ids() == set(bench.corpus.index().ids())


def test_uploads_are_checked_then_kept_in_the_data_folder(bench: Workbench) -> None:
    files = [
        ("reports/2015/wire.txt", b"---\nurl: https://wire.example.com/a\n---\nJets arrived.\n"),
        ("other/wire.txt", b"A second wire with the same file name.\n"),
        ("../../escape.md", b"# Up\n\nNothing climbs out of the uploads folder.\n"),
    ]
    seen: list[tuple[int, int]] = []
    report = pipeline.ingest_uploads(bench, files, lambda *a: seen.append(a))
    assert report.added == 3 and seen[-1] == (3, 3)
    folder = bench.settings.home / "uploads" / "sources"
    assert sorted(p.name for p in folder.iterdir()) == ["escape.md", "wire-2.txt", "wire.txt"]
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".staging")]
    # uploading a file again updates that source
    again = pipeline.ingest_uploads(bench, [("wire.txt", b"Jets arrived on Monday.\n")])
    assert again.updated == 1 and again.added == 0
    with bench.db.session() as session:
        assert list_sources(session)[1] == 3


def test_an_uploaded_table_names_its_text_column_and_takes_the_desk_s_details(
    bench: Workbench,
) -> None:
    """As ``verifier ingest --column --outlet --date``: the error names the app's field."""
    table = [
        ("archive.csv", b"id,body,outlet\n1,Jets landed at Latakia.,Own Wire\n2,Crews arrived.,\n")
    ]
    with pytest.raises(InputError) as error:
        pipeline.ingest_uploads(bench, table, column_field="Text column")
    assert str(error.value) == (
        "archive.csv: no 'text' column (found: id, body, outlet); name the column that holds "
        "the text (Text column), or add a 'text' one"
    )
    assert not any((bench.settings.home / "uploads" / "sources").iterdir())
    report = pipeline.ingest_uploads(
        bench, table, column="Body", outlet="Desk archive", date="2015-09-08"
    )
    assert report.added == 2
    with bench.db.session() as session:
        rows, total = list_sources(session, "archive.csv")
        found = {(row.outlet, str(row.published)) for row in rows}
    assert total == 2 and found == {("Own Wire", "2015-09-08"), ("Desk archive", "2015-09-08")}


def test_what_reading_uploads_warned_of_is_in_the_report_once_naming_them_as_uploaded(
    bench: Workbench,
) -> None:
    """Shown on the Sources page: a row skipped, a file not in UTF-8; each file is read
    twice (checked, then stored), and each warning is said once."""
    files = [
        ("archive.csv", b"id,text\n1,Jets landed at Latakia.\n2,\n3,Crews arrived.\n"),
        ("old.txt", "Le ministère a déclaré que les avions étaient à Lattaquié.".encode("cp1252")),
    ]
    report = pipeline.ingest_uploads(bench, files)
    assert report.added == 3
    assert report.warnings == [
        "archive.csv:3 has no text; skipped",
        "old.txt: not UTF-8, read as cp1252",
    ]
    # A clean upload warns of nothing; nor does the one before it linger.
    assert pipeline.ingest_uploads(bench, [("wire.txt", b"Jets arrived.\n")]).warnings == []
    # ``verifier ingest`` and the Python API have them too, naming the files as given.
    folder = bench.settings.home / "uploads" / "sources"
    again = pipeline.ingest(bench, [folder / "archive.csv"])
    assert again.warnings == [f"{folder / 'archive.csv'}:3 has no text; skipped"]


def test_warnings_are_gathered_from_the_gathering_thread_alone() -> None:
    """Each app session runs on its own thread: one desk's upload shows its own warnings."""
    log = logging.getLogger("verifier.sources")
    with notices.gathered() as heard:
        log.warning("here.csv:2 has no text; skipped")
        other = threading.Thread(target=log.warning, args=("elsewhere.csv:9 has no text",))
        other.start()
        other.join()
        log.warning("here.csv:2   has no text; skipped")  # said again: once
    log.warning("after.csv:1 has no text; skipped")
    assert heard.lines() == ["here.csv:2 has no text; skipped"]


def test_a_bad_upload_is_named_as_uploaded_and_nothing_is_kept(bench: Workbench) -> None:
    pipeline.ingest_uploads(bench, [("wire.txt", b"The first version.\n")])
    bad = [("wire.txt", b"A replacement.\n"), ("scan.txt", b"\x00\x01binary\x00" * 40)]
    with pytest.raises(InputError, match=r"^scan\.txt: .*binary"):
        pipeline.ingest_uploads(bench, bad)
    folder = bench.settings.home / "uploads" / "sources"
    assert (folder / "wire.txt").read_text() == "The first version.\n"
    assert sorted(p.name for p in folder.parent.iterdir()) == ["sources"]
    with pytest.raises(InputError, match="choose one or more files"):
        pipeline.ingest_uploads(bench, [])


def test_a_new_source_reaches_the_matched_claims_it_is_evidence_for(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    pipeline.ingest(bench, [sources])
    article = pipeline.extract_article(bench, ARTICLE, title="Build-up", threshold=0.0)
    first, second = [claim.id for claim in article.claims]
    pipeline.match_claims(bench, [first])  # the second is left unmatched
    # A source far from the claim enters no claim's evidence: nothing is matched again, and
    # the progress of matching again says nothing.
    told: list[tuple[int, int]] = []
    far = write(tmp_path, "snow.txt", "Snow closed three ski passes in the Alps on Friday.\n")
    assert pipeline.ingest(bench, [far], matching=lambda *step: told.append(step)).rematched == 0
    assert told == []
    # A statement saying the first claim is among its evidence at once, without `match`.
    statement = write(
        tmp_path,
        "statement.txt",
        "---\ntitle: MoD statement\n---\nThe ministry confirmed that Russian personnel and "
        "equipment were moved to the airfield near Latakia.\n",
    )
    report = pipeline.ingest(bench, [statement], matching=lambda *step: told.append(step))
    assert report.affected == {first} and report.rematched == 1
    assert told == [(0, 1), (1, 1)]  # the claims matched again, as they go
    assert "1 claim(s) whose evidence changed matched again" in report.summary()
    assert str(statement) in [item.uri for item in view(bench, first).evidence]
    assert view(bench, second).evidence == []  # left for `verifier match`, as it was
    # The same file again adds no passage: no claim is matched again.
    again = pipeline.ingest(bench, [statement])
    assert again.unchanged == 1 and again.rematched == 0
