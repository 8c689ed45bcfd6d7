"""OpenDocument (.odt) and Rich Text (.rtf) sources and articles: paragraphs, lists and table
rows in order (comments, footnotes and tracked deletions left out), the title from the
document's properties, the code page an RTF file names, and one clear line for a file that
cannot be used."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from made_documents import RTF, make_docx, make_odt

from tests.conftest import refused_in_one_line
from verifier import pipeline
from verifier.documents import list_sources
from verifier.errors import InputError
from verifier.opendocument import read_odt
from verifier.richtext import read_rtf
from verifier.sources import read_sources
from verifier.workbench import Workbench


def test_an_odt_reads_as_its_running_text_in_order_with_the_title() -> None:
    title, text = read_odt("statement.odt", make_odt())
    assert title == "MoD statement on Latakia"
    assert text.split("\n\n") == [
        "Statement of the Ministry of Defence",
        "The ministry said on Monday that 28 combat aircraft had been moved to the Latakia "
        "air base.",
        "Troops: about 1,500.",
        "Aircraft | 28",
        "Officials declined to comment.",
        "Boxed: a map of the base.",
    ]
    for left_out in ("check this", "Footnote", "Deleted"):  # a comment, a note, a deletion
        assert left_out not in text


def test_an_rtf_reads_as_its_paragraphs_in_its_code_page_with_the_title() -> None:
    title, text = read_rtf("statement.rtf", RTF.encode("ascii"))
    assert title == "MoD statement on Latakia"
    assert text.split("\n\n") == [
        "Statement of the Ministry of Defence",
        "The ministry said on Monday that 28 combat aircraft had been moved to the Latakia "
        "air base – as part of an exercise.",
        "Le ministère: авиация.",
        "Officials declined to comment.",
    ]
    # Another code page named: its escapes read in it (Windows-1251).
    cyrillic = r"{\rtf1\ansi\ansicpg1251{\info{\title \'c7\'e0\'ff\'e2\'ea\'e0}}\'c4\'e0.\par}"
    assert read_rtf("z.rtf", cyrillic.encode("ascii")) == ("Заявка", "Да.")


def test_odt_and_rtf_sources_articles_and_attachments(bench: Workbench, tmp_path: Path) -> None:
    (tmp_path / "statement.odt").write_bytes(make_odt())
    (tmp_path / "release.rtf").write_text(RTF, encoding="ascii")
    docs = sorted(read_sources([tmp_path], 2**20), key=lambda doc: doc.format)
    assert [(doc.format, doc.title) for doc in docs] == [
        ("odt", "MoD statement on Latakia"),
        ("rtf", "MoD statement on Latakia"),
    ]
    assert pipeline.ingest(bench, [tmp_path], outlet="Ministry of Defence").added == 2
    with bench.db.session() as session:
        rows, count = list_sources(session)
    assert count == 2 and {row.outlet for row in rows} == {"Ministry of Defence"}
    # Articles too, as files and as uploads.
    stored = pipeline.extract_article_file(bench, tmp_path / "statement.odt")
    assert any("28" in claim.text and "combat aircraft" in claim.text for claim in stored.claims)
    upload = pipeline.read_article_upload(bench, "draft.rtf", RTF.encode("ascii"))
    assert upload.title == "MoD statement on Latakia" and "авиация" in upload.text
    # And an email's attachments.
    message = EmailMessage()
    message["From"], message["Subject"] = "Press Office <press@mod.example.gov>", "Statement"
    message.set_content("Attached.")
    for name, data in (("s.odt", make_odt()), ("r.rtf", RTF.encode("ascii"))):
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    (tmp_path / "mail.eml").write_bytes(bytes(message))
    formats = [doc.format for doc in read_sources([tmp_path / "mail.eml"], 2**20)]
    assert formats == ["eml", "odt", "rtf"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.odt", b"not a zip at all", r"not an OpenDocument text \(\.odt\)"),
        ("x.odt", make_docx(), "not a readable OpenDocument text"),  # a zip, not an ODF
        (
            "x.odt",
            make_odt(kind="application/vnd.oasis.opendocument.spreadsheet"),
            r"an OpenDocument of another kind \(application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("x.odt", make_odt(encrypted=True), "protected by a password"),
        ("x.odt", make_odt(body="<text:p>  </text:p>"), "the document has no text"),
        ("x.odt", make_odt(body="<text:p>unclosed"), "not a readable OpenDocument text"),
        (
            "x.odt",
            make_odt(
                body="<text:p>"
                + "<text:span>" * 5000
                + "deep"
                + "</text:span>" * 5000
                + "</text:p>"
            ),
            r"not a readable OpenDocument text \(RecursionError\)",
        ),
        ("x.rtf", b"Plain text named .rtf", r"not an RTF document \(it does not start with"),
        ("x.rtf", rb"{\rtf1{\fonttbl{\f0 Arial;}}\par}", "the document has no text"),
    ],
)
def test_a_file_that_cannot_be_used_is_one_clear_line(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    refused_in_one_line(tmp_path / name, data, message)


def test_an_odt_unpacking_to_too_much_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.odt"
    path.write_bytes(make_odt(body="<text:p>" + "a" * 3_000_000 + "</text:p>"))
    with pytest.raises(InputError, match="unpacks to 3 MB, over 20 times"):
        list(read_sources([path], 100_000))


def test_an_unknown_code_page_is_read_as_windows_1252() -> None:
    title, text = read_rtf("x.rtf", rb"{\rtf1\ansi\ansicpg99999 caf\'e9\par}")
    assert (title, text) == (None, "café")
