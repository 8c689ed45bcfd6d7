"""Readable reports and ClaimReview: the HTML and Markdown reports (summary, claims in their
sentences, cited evidence, self-contained, escaped), ClaimReview JSON-LD against Google's
requirements, and hostile texts through every format."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from tests.conftest import write
from tests.reports import CLAIMREVIEW_SCHEMA, HOSTILE, SCRIPT, review_claims
from verifier import pipeline
from verifier.citations import cited_passages
from verifier.cli import cli
from verifier.config import Settings
from verifier.db.models import VerdictChange
from verifier.errors import InputError, SettingsError
from verifier.export import (
    REPORT_FORMATS,
    Publisher,
    ReportFilter,
    claim_review,
    report_records,
    report_summary,
)
from verifier.export.document import marked_conflicts, md_link, md_text
from verifier.labels import Label
from verifier.review import history
from verifier.text import web_address
from verifier.views import article_claims
from verifier.workbench import Workbench

PUBLISHER = dict(name="Desk Check", url="https://desk.example.org")


@pytest.fixture
def claims(bench: Workbench, sources: Path) -> list[int]:
    """Reviewed claims whose article title, notes and cited source are hostile texts."""
    return review_claims(bench, sources, title=SCRIPT, hostile=True)


class Page(HTMLParser):
    """Tags, attributes, style text and visible text of an HTML document."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def ids(self) -> set[str]:
        return {str(attrs["id"]) for _, attrs in self.tags if attrs.get("id")}


def export(bench: Workbench, out: Path, **filters: object) -> pipeline.ExportReport:
    publisher = pipeline.claimreview_publisher(bench.settings, **PUBLISHER)  # type: ignore[arg-type]
    return pipeline.export_report(bench, ReportFilter(**filters), out, publisher=publisher)  # type: ignore[arg-type]


def reviewed(bench: Workbench) -> list[dict[str, object]]:
    with bench.db.session() as s:
        return list(report_records(s, ReportFilter()))


def assert_self_contained(page: Page) -> None:
    """No script, no resource fetched from anywhere: a report opens offline as it is."""
    assert not page.named("script") and not page.named("link") and not page.named("iframe")
    assert not [attrs for _, attrs in page.tags if "src" in attrs or "srcset" in attrs]
    assert not [attrs for _, attrs in page.tags if any(k.startswith("on") for k in attrs)]
    assert "url(" not in page.style and "@import" not in page.style
    for attrs in page.named("a"):
        assert str(attrs["href"]).startswith(("https://", "http://")), attrs


def test_the_summary_counts_verdicts_articles_reviewers_and_agreement(
    bench: Workbench, claims: list[int]
) -> None:
    records = reviewed(bench)
    with bench.db.session() as s:
        summary = report_summary(s, ReportFilter())
        everything = report_summary(s, ReportFilter(reviewed_only=False))
    assert summary.claims == 2 and summary.verdicts == {"supported": 1, "disputed": 1}
    assert sorted(summary.reviewers) == [("dana", 1), ("lee", 1)]
    [article] = summary.articles
    assert (article.title, article.claims) == (SCRIPT, 2)
    agreed = sum(r["suggested_verdict"] == r["verdict"] for r in records)
    assert (summary.compared, summary.agreed) == (2, agreed)
    assert sum(summary.confusion.values()) == 2
    assert (
        everything.claims == len(claims) and everything.verdicts["not reviewed"] == len(claims) - 2
    )
    assert everything.reviewers == summary.reviewers  # suggestions are nobody's verdict


def test_the_html_report_is_one_readable_self_contained_file(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    done = export(bench, tmp_path / "report.html")
    assert done.records == 2 and done.format == "html"
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    page = Page(html)
    assert_self_contained(page)
    text = " ".join(" ".join(page.text).split())
    # The summary opens the report, with its charts drawn inline.
    assert (
        text.index("Summary") < text.index("Claims per verdict") < text.index(f"claim {claims[0]}")
    )
    assert len(page.named("svg")) == 3 and "Reviewers kept the suggested verdict for" in text
    assert "break-before: page" in page.style and "@media print" in page.style
    # Every reviewed claim, in its sentence, with verdict, note and cited evidence.
    for record in reviewed(bench):
        assert f"claim-{record['claim_id']}" in page.ids()
        assert str(record["sentence"]) in text and str(record["note"]) in text
        for item in record["evidence"]:  # type: ignore[attr-defined]
            assert " ".join(item["quote"].split()) in text and item["document"] in text
    assert [a["href"] for a in page.named("a")].count("https://wire.example.com/base") == 1
    assert "javascript:alert(1)" in text  # the hostile source's link shown, never linked
    # Hostile texts are text: escaped in the file, shown as typed.
    assert SCRIPT in text and HOSTILE in text and SCRIPT not in html
    assert f"claim {claims[2]}" not in text  # not reviewed: not in a reviewed-only report


def test_the_html_report_marks_the_words_of_a_quote_that_conflict_with_its_claim(
    bench: Workbench, tmp_path: Path
) -> None:
    said = "Officials said Russia has moved six combat aircraft to the Latakia air base."
    write(tmp_path / "own", "count.md", f"---\ntitle: Jets counted\n---\n{said}\n")
    pipeline.ingest(bench, [tmp_path / "own"])
    claim = "Russia has moved 28 combat aircraft to the Latakia air base."
    checked = pipeline.check_article(bench, claim, title="Jets", threshold=0)
    with bench.db.session() as s:
        (view,) = article_claims(s, checked.article.id)
    cited = [e.passage_id for e in view.evidence if e.text == said]
    pipeline.review_claim(bench, view.id, Label.DISPUTED, "dana", "six, not 28", cited)
    export(bench, tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert (
        '“Officials said Russia has moved <mark class="conflict">six combat</mark> aircraft '
        "to the Latakia air base.”"
    ) in html


def test_conflicting_words_are_marked_and_the_rest_escaped() -> None:
    claim = "Moscow has deployed fighter jets to Syria."
    quote = "<b>Moscow</b> has not deployed any fighter jets to Syria & says it is false."
    assert marked_conflicts(quote, claim) == (
        '&lt;b&gt;Moscow&lt;/b&gt; has <mark class="conflict">not deployed</mark> any fighter '
        'jets to Syria &amp; says it is <mark class="conflict">false</mark>.'
    )
    assert marked_conflicts(SCRIPT, claim) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_both_documents_say_who_an_unreviewed_claim_is_assigned_to(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    pipeline.assign_claims(bench, [claims[0], claims[2]], "Ana Lima", "dana")  # one reviewed
    for name in ("report.html", "report.md"):
        export(bench, tmp_path / name, reviewed_only=False)
        text = " ".join((tmp_path / name).read_text(encoding="utf-8").split())
        assert text.count("assigned to Ana Lima") == 1, name
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    start = html.index(">", html.index(f'id="claim-{claims[2]}"')) + 1
    badge_line = " ".join(" ".join(Page(html[start : html.index("</p>", start)]).text).split())
    assert badge_line == f"not reviewed assigned to Ana Lima · claim {claims[2]}"


def test_the_markdown_report_renders_as_the_same_text(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    done = export(bench, tmp_path / "report.md", reviewed_only=False)
    assert done.records == len(claims)
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    # Rendered as a CMS would (CommonMark with raw HTML allowed, and tables).
    page = Page(MarkdownIt("commonmark").enable("table").render(markdown))
    assert_self_contained(page)
    text = " ".join(" ".join(page.text).split())
    assert SCRIPT in text and HOSTILE in text and "javascript:alert(1)" in text
    assert text.index("Summary") < text.index("Reviewers kept the suggested verdict")
    assert [attrs["href"] for attrs in page.named("a")].count("https://wire.example.com/base") == 1
    for record in reviewed(bench):
        assert f"claim {record['claim_id']}" in text and str(record["note"]) in text
        assert str(record["claim"]) in text
    assert text.count("Not reviewed.") == len(claims) - 2
    assert len(page.named("table")) == 4  # verdicts, articles, reviewers, agreement


def test_claimreview_objects_meet_googles_requirements_and_snippets_cannot_break_out(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    done = export(bench, tmp_path / "reviews.json")
    assert done.records == 2 and done.also == (tmp_path / "reviews.snippets.html",)
    objects = json.loads((tmp_path / "reviews.json").read_text(encoding="utf-8"))
    for item in objects:
        jsonschema.validate(item, CLAIMREVIEW_SCHEMA)
    by_claim = {r["claim"]: r for r in reviewed(bench)}
    scale = Settings().rating_scale
    for item in objects:
        record = by_claim[item["claimReviewed"]]
        value, name = scale[Label(str(record["verdict"]))]
        assert item["reviewRating"]["alternateName"] == name
        assert item["reviewRating"]["ratingValue"] == value
        assert item["url"] == record["factcheck_url"]
        assert item["author"] == {"@type": "Organization", **PUBLISHER}
        assert item["itemReviewed"]["appearance"][0]["url"] == record["article_url"]
        assert item["itemReviewed"]["appearance"][0]["headline"] == SCRIPT
    snippets = (tmp_path / "reviews.snippets.html").read_text(encoding="utf-8")
    page = Page(snippets)
    assert [attrs["type"] for attrs in page.named("script")] == ["application/ld+json"] * 2
    assert snippets.count("</script>") == 2 and "<script>alert" not in snippets
    inside = [chunk for chunk in page.text if chunk.strip() and "{" in chunk]
    assert [json.loads(chunk) for chunk in inside] == objects


def test_a_changed_verdict_is_shown_as_a_correction_in_every_report(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    # lee's "disputed" of three days ago becomes "supported" today; dana's verdict stands.
    with bench.db.session() as s:
        for change in s.scalars(
            sa.select(VerdictChange).where(VerdictChange.claim_id == claims[1])
        ):
            change.changed_at -= timedelta(days=3)
        s.commit()
    pipeline.review_claim(bench, claims[1], Label.SUPPORTED, "kim", "the ministry confirmed it")
    records = {r["claim_id"]: r for r in reviewed(bench)}
    fixed, kept = records[claims[1]], records[claims[0]]
    assert (fixed["verdict"], fixed["previous_verdict"]) == ("supported", "disputed")
    assert fixed["verdict_changed_at"] == fixed["reviewed_at"]
    assert str(fixed["first_reviewed_at"]) < str(fixed["reviewed_at"])
    assert (kept["previous_verdict"], kept["verdict_changed_at"]) == (None, None)
    assert kept["first_reviewed_at"] == kept["reviewed_at"]
    with bench.db.session() as s:
        assert report_summary(s, ReportFilter()).changed == 1
        corrections = list(report_records(s, ReportFilter(changed_only=True)))
        assert report_summary(s, ReportFilter(changed_only=True)).claims == 1
    assert [r["claim_id"] for r in corrections] == [claims[1]]  # the corrections alone
    home = ["--home", str(tmp_path / "cli"), "--db", bench.settings.database_url]
    out = tmp_path / "corrections.jsonl"
    done = CliRunner().invoke(cli, [*home, "export", "--changed", "--out", str(out)])
    assert done.exit_code == 0 and "exported 1 claim(s)" in done.output, done.output
    assert [json.loads(line)["claim_id"] for line in out.read_text().splitlines()] == [claims[1]]

    export(bench, tmp_path / "report.html")
    text = " ".join(" ".join(Page((tmp_path / "report.html").read_text("utf-8")).text).split())
    changed_on = str(fixed["verdict_changed_at"])[:10]
    assert "1 verdict was changed since first given" in text
    assert text.count("Verdict changed on") == 1
    assert f"Verdict changed on {changed_on}" in text and "it was disputed before" in text
    export(bench, tmp_path / "report.md")
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert markdown.count(f"Changed on {changed_on}") == 1 and "it was disputed before" in markdown

    # ClaimReview: published when first given, modified when corrected; the other unmodified.
    export(bench, tmp_path / "reviews.json")
    objects = json.loads((tmp_path / "reviews.json").read_text(encoding="utf-8"))
    by_claim = {item["claimReviewed"]: item for item in objects}
    for item in objects:
        jsonschema.validate(item, CLAIMREVIEW_SCHEMA)
    corrected, plain = by_claim[fixed["claim"]], by_claim[kept["claim"]]
    assert corrected["datePublished"] == str(fixed["first_reviewed_at"])[:10]
    assert corrected["dateModified"] == changed_on != corrected["datePublished"]
    assert "dateModified" not in plain and plain["datePublished"] == str(kept["reviewed_at"])[:10]


def test_claims_claimreview_cannot_carry_are_named_not_dropped(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    done = export(bench, tmp_path / "all.json", reviewed_only=False)
    assert done.records == 2 and [s.claim_id for s in done.skipped] == claims[2:]
    assert "not reviewed yet" in done.summary() and f"claim {claims[2]}" in done.summary()
    with pytest.raises(InputError, match="ClaimReview needs the name of the organisation"):
        pipeline.export_report(bench, ReportFilter(), tmp_path / "r.json")
    other = pipeline.check_article(bench, "Russia moved jets to Latakia.", threshold=0).article
    with pytest.raises(InputError, match=r"no claim can be published as ClaimReview: claim \d+"):
        export(bench, tmp_path / "none.json", reviewed_only=False, articles=(other.id,))
    assert not list(tmp_path.glob("none*")) and not list(tmp_path.glob(".none*"))


def test_a_url_template_gives_claims_their_fact_check_url(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    pipeline.ingest(bench, [sources])
    checked = pipeline.check_article(bench, "Russia moved jets to Latakia.", threshold=0)
    claim = checked.article.claims[0].id
    pipeline.review_claim(bench, claim, Label.SUPPORTED, "dana")
    with pytest.raises(InputError, match=rf"claim {claim} .*no fact-check URL"):
        export(bench, tmp_path / "r.json")
    publisher = pipeline.claimreview_publisher(
        bench.settings, "Desk", factcheck_url="https://desk.example.org/{article_id}/{claim_id}"
    )
    pipeline.export_report(bench, ReportFilter(), tmp_path / "r.json", publisher=publisher)
    [item] = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert item["url"] == f"https://desk.example.org/{checked.article.id}/{claim}"
    assert item["itemReviewed"] == {"@type": "Claim"}  # nothing known about the article
    with pytest.raises(SettingsError, match="may use {claim_id} and {article_id} only"):
        pipeline.claimreview_publisher(bench.settings, "Desk", factcheck_url="https://x/{slug}")


def test_rating_mapping_and_publisher_settings_are_checked() -> None:
    custom = Settings.from_env({"VERIFIER_RATINGS": "disputed=0:Misleading; supported=4:Accurate"})
    assert custom.rating_scale[Label.DISPUTED] == (0, "Misleading")
    assert custom.rating_scale[Label.UNVERIFIED] == (3, "Unproven")  # the default kept
    for bad in ("disputed=x:False", "wrong=1:False", "disputed=1"):
        with pytest.raises(SettingsError, match="VERIFIER_RATINGS"):
            Settings.from_env({"VERIFIER_RATINGS": bad})
    with pytest.raises(SettingsError, match="VERIFIER_PUBLISHER_URL"):
        Settings.from_env({"VERIFIER_PUBLISHER_URL": "javascript:alert(1)"})


def test_hostile_texts_come_out_inert_in_every_format(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    for fmt, suffix in REPORT_FORMATS.items():
        assert export(bench, tmp_path / f"r{suffix}").records == 2, fmt
    rows = list(csv.reader(open(tmp_path / "r.csv", encoding="utf-8", newline="")))
    cells = [cell for row in rows for cell in row]
    sheet = load_workbook(tmp_path / "r.xlsx").active
    cells += [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert HOSTILE in " ".join(cells)
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    # JSON Lines and Parquet keep texts exactly (they are data, not documents).
    lines = (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert pq.read_table(tmp_path / "r.parquet").to_pylist() == records
    assert records[0]["note"] == HOSTILE and records[1]["article_title"] == SCRIPT
    assert records[1]["evidence"][0]["document"] == SCRIPT
    for name in ("r.html", "r.snippets.html"):
        assert "<script>alert" not in (tmp_path / name).read_text(encoding="utf-8")
    rendered = MarkdownIt("commonmark").render((tmp_path / "r.md").read_text(encoding="utf-8"))
    assert "<script>alert" not in rendered and 'href="javascript' not in rendered
    assert "<script>alert" not in (tmp_path / "r.json").read_text(encoding="utf-8")


@pytest.mark.model
def test_the_export_command_writes_documents_and_claimreview(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    home = ["--home", str(tmp_path / "cli-home"), "--db", bench.settings.database_url]

    def run(*args: str) -> str:
        done = CliRunner().invoke(cli, [*home, "export", *args])
        assert done.exit_code == 0, done.output
        return done.output

    assert "exported 2 claim(s) as html" in run("--out", str(tmp_path / "r.html"))
    assert "exported 2 claim(s) as md" in run("--out", str(tmp_path / "r.md"))
    out = run(
        "--out",
        str(tmp_path / "r.json"),
        "--format",
        "claimreview",
        "--publisher",
        "Desk Check",
        "--publisher-url",
        "https://desk.example.org",
    )
    assert f"(and {tmp_path / 'r.snippets.html'})" in out
    [first, _] = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert first["author"] == {"@type": "Organization", **PUBLISHER}
    refused = CliRunner().invoke(cli, [*home, "export", "--out", str(tmp_path / "x.json")])
    assert refused.exit_code == 1 and "VERIFIER_PUBLISHER_NAME" in refused.output


def test_markdown_text_and_links_render_as_given() -> None:
    # What would open a heading, a list item or an underline at a line's start is escaped;
    # the same characters inside a line are left alone.
    assert md_text("- a") == "\\- a" and md_text("1. b") == "1\\. b" and md_text("# h") == "\\# h"
    assert md_text("==") == "\\==" and md_text("2026-11-26") == "2026-11-26"
    assert md_text("0.87") == "0.87" and md_text("a_b*c [x](y)") == "a\\_b\\*c \\[x\\](y)"
    assert md_text("<b> & \n next") == "&lt;b&gt; &amp; next"
    assert md_link("https://x.org/a b") == "<https://x.org/a%20b>"
    for unsafe in ("javascript:alert(1)", "/home/desk/a.txt", "ftp://x.org", "https://", None):
        assert web_address(unsafe) is None and md_link(unsafe) is None
    assert web_address(" HTTPS://x.org/p ") == "HTTPS://x.org/p"


def test_a_template_with_article_id_skips_claims_without_an_article() -> None:
    publisher = Publisher("Desk", None, "https://desk.example.org/{article_id}", {})
    record = {"claim_id": 7, "article_id": None, "claim": "Jets landed.", "verdict": "disputed"}
    with pytest.raises(InputError, match="no fact-check URL"):
        claim_review(record, publisher)


def test_the_verdict_history_reads_in_words_with_quotes_and_sign_offs(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    # dana supported the first claim citing a passage; lee disputed the second without
    # evidence, then again citing the hostile source; kim signed that off; dana then changed
    # it to supported. The first claim's source is removed: its quote stays, marked so.
    assert pipeline.sign_off_claims(bench, claims[1:2], "kim") == 1
    pipeline.review_claim(bench, claims[1], Label.SUPPORTED, "dana", "wire confirms")
    with bench.db.session() as s:
        [cited] = [c for c in history(s, claims[0]) if c.evidence]
        [quote] = cited_passages(s, cited.evidence).values()
    pipeline.remove_sources(bench, [quote.uri])
    for name in ("h.html", "h.md"):
        done = pipeline.export_history(bench, ReportFilter(), tmp_path / name)
        assert (done.records, done.format) == (4, name[2:])
        assert done.summary().startswith("exported 4 history entries as")
    html = (tmp_path / "h.html").read_text(encoding="utf-8")
    page = Page(html)
    assert_self_contained(page)
    markdown = (tmp_path / "h.md").read_text(encoding="utf-8")
    rendered = Page(MarkdownIt("commonmark").render(markdown))
    assert_self_contained(rendered)
    assert "<script>alert" not in html and "<script>alert" not in markdown
    for shown in (page, rendered):
        text = " ".join(" ".join(shown.text).split())
        assert text.startswith("Verdict history") and "4 change" in text
        assert "to 2 claim" in text and "in 1 article" in text
        # Claim by claim in reading order, oldest first, each change in words.
        first, second = text.index(f"laim {claims[0]}"), text.index(f"laim {claims[1]}")
        assert first < second
        said = [
            "dana: gave the verdict SUPPORTED",
            "lee: gave the verdict DISPUTED",
            "lee: kept the verdict DISPUTED",
            "dana: changed the verdict from DISPUTED to SUPPORTED",
        ]
        at = [text.upper().index(line.upper()) for line in said]
        assert at == sorted(at) and at[0] < second < at[1]
        # Notes and quotes as typed; the removed source's quote kept, and said so.
        assert HOSTILE in text and "second look: " + SCRIPT in text and "wire confirms" in text
        assert " ".join(quote.text.split()) in text and quote.title in text
        assert text.count("source removed from the desk's corpus") == 1
        assert "signed off by kim" in text
        assert text.count("No evidence cited.") == 2  # lee's first look, dana's change
    # The sign-off is on the change it was given to, in HTML's list of changes.
    items = html.split('<li id="change-')[1:]
    assert ["signed off by kim" in item for item in items] == [False, False, True, False]
    assert 'class="badge v-1">disputed</span> to <span class="badge v-0">supported' in html
    # The title is the desk's to set.
    pipeline.export_history(bench, ReportFilter(), tmp_path / "t.html", title="Complaint 12")
    assert "<h1>Complaint 12</h1>" in (tmp_path / "t.html").read_text(encoding="utf-8")


def test_the_assignment_history_reads_in_words(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    pipeline.assign_claims(bench, claims[-1:], "Lee Park", "dana")
    pipeline.assign_claims(bench, claims[-1:], "Ana Lima", "dana")
    pipeline.assign_claims(bench, claims[-1:], None, "kim")
    everything = ReportFilter(reviewed_only=False)
    for name in ("a.html", "a.md"):
        done = pipeline.export_history(bench, everything, tmp_path / name, trail="assignments")
        assert done.records == 3
        markup = (tmp_path / name).read_text(encoding="utf-8")
        if name.endswith(".md"):
            markup = MarkdownIt("commonmark").render(markup)
        text = " ".join(" ".join(Page(markup).text).split())
        assert text.startswith("Assignment history") and "3 change" in text
        said = [
            "dana: assigned it to Lee Park",
            "dana: handed it from Lee Park to Ana Lima",
            "kim: took it back from Ana Lima: nobody has it",
        ]
        at = [text.index(line) for line in said]
        assert at == sorted(at)
        assert "No evidence cited." not in text and "verdict" not in text.lower()


def test_the_export_command_writes_a_history_document(
    bench: Workbench, claims: list[int], tmp_path: Path
) -> None:
    home = ["--home", str(tmp_path / "cli-home"), "--db", bench.settings.database_url]
    out, md = tmp_path / "h.html", tmp_path / "h.md"
    args = ["export", "--history", "--out", str(out), "--out", str(md), "--reviewer", "lee"]
    done = CliRunner().invoke(cli, [*home, *args, "--title", "Lee's verdicts"])
    assert done.exit_code == 0, done.output
    assert "exported 2 history entries as html" in done.output
    assert "exported 2 history entries as md" in done.output
    assert "<h1>Lee&#39;s verdicts</h1>" in out.read_text(encoding="utf-8")
    assert md.read_text(encoding="utf-8").startswith("# Lee's verdicts")
    assert f"claim-{claims[0]}" not in out.read_text(encoding="utf-8")  # dana's claim
