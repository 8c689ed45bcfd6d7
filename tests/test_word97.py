"""Old Word (.doc, Word 97-2003) sources and articles: the main text through the piece table,
however it is stored, its paragraphs and table rows in order (field codes, footnotes,
headers and pictures left out), the title from the summary information, and one clear line
for a file that cannot be used."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from made_doc import ENCRYPTED, TABLE_1, make_doc
from made_documents import make_docx
from made_msg import compound_file, make_msg

from tests.conftest import refused_in_one_line
from verifier import pipeline
from verifier.documents import list_sources
from verifier.sources import read_sources
from verifier.word import read_word
from verifier.word97 import read_word97
from verifier.workbench import Workbench

DATA = Path(__file__).parent / "data"
PARAGRAPHS = [
    "Statement of the Ministry of Defence",
    "The ministry said on Monday (see the notice) that 28 combat aircraft had been moved to "
    "Latakia.",
    "Aircraft | 28",
    "Troops and crews | about 1,500",
    "Officials declined to comment further.",
]


def test_a_document_libreoffice_saved_reads_as_its_main_text_with_the_title() -> None:
    title, text = read_word97("notice.doc", (DATA / "notice.doc").read_bytes())
    assert title == "Ministry notice on Latakia"
    assert text.split("\n\n") == [
        "Notice on the Latakia air base",
        # The footnote's mark and text, and the link's address, are left out; its text stays.
        "The ministry said that the aircraft were sent for an exercise, see the notice for "
        "details.",
        # A line break is a space; the non-breaking hyphen a hyphen, the optional one none.
        "A first line a second line of the same paragraph, non-breaking and optional.",
        # A cell of two paragraphs is one cell; an empty cell is left out of its row.
        "Aircraft second line | 28",
        "Troops | about 1,500",
        "Officials declined to comment.",
        "Дамаск on the second page.",  # after a page break, in UTF-16
    ]
    assert "Ministry of Defence - For immediate release" not in text  # the page header


@pytest.mark.parametrize(
    "layout",
    [
        {},
        {"pieces": 3},
        {"pieces": 4, "fast_saved": True},  # pieces stored out of order
        {"pieces": 2, "unicode": True},
        {"flags": 0},  # the table stream named 0Table
    ],
    ids=["one-piece", "pieces", "fast-saved", "utf-16", "0Table"],
)
def test_the_text_is_the_same_however_its_pieces_are_stored(layout: dict[str, object]) -> None:
    title, text = read_word97("statement.doc", make_doc(**layout))  # type: ignore[arg-type]
    assert title == "MoD statement on Latakia"
    assert text.split("\n\n") == PARAGRAPHS


def test_8_bit_and_utf16_pieces_mix_and_the_title_is_read_in_its_code_page() -> None:
    blocks = ["Заявление Минобороны", "The 28 aircraft – not 30 – landed.", [["a", "", "c"]]]
    data = make_doc(blocks, title="Заявление", codepage=1251, pieces=3, fast_saved=True)
    assert read_word97("x.doc", data) == (
        "Заявление",
        "Заявление Минобороны\n\nThe 28 aircraft – not 30 – landed.\n\na | c",
    )
    assert read_word97("x.doc", make_doc(title=None))[0] is None


def test_a_doc_source_article_upload_and_attachment(bench: Workbench, tmp_path: Path) -> None:
    (tmp_path / "statement.doc").write_bytes(make_doc(title=None))
    [doc] = read_sources([tmp_path], 2**20)
    assert (doc.format, doc.title) == ("doc", "Statement of the Ministry of Defence")
    assert doc.text.split("\n\n") == PARAGRAPHS
    assert pipeline.ingest(bench, [tmp_path], outlet="Ministry of Defence").added == 1
    with bench.db.session() as session:
        [row] = list_sources(session)[0]
    assert row.outlet == "Ministry of Defence"
    stored = pipeline.extract_article_file(bench, tmp_path / "statement.doc")
    assert any("28 combat aircraft" in claim.text for claim in stored.claims)
    upload = pipeline.read_article_upload(bench, "notice.doc", (DATA / "notice.doc").read_bytes())
    assert upload.title == "Ministry notice on Latakia" and "Дамаск" in upload.text
    # An email's .doc attachment, and a .doc attached to an Outlook message.
    message = EmailMessage()
    message["From"], message["Subject"] = "Press Office <press@mod.example.gov>", "Statement"
    message.set_content("Attached.")
    message.add_attachment(make_doc(), maintype="application", subtype="msword", filename="s.doc")
    (tmp_path / "mail.eml").write_bytes(bytes(message))
    (tmp_path / "mail.msg").write_bytes(make_msg(attachments=[("C:\\Press\\s.doc", make_doc())]))
    for name in ("mail.eml", "mail.msg"):
        docs = read_sources([tmp_path / name], 2**20)
        assert [(doc.format, doc.title) for doc in docs][1:] == [
            ("doc", "MoD statement on Latakia")
        ]


def test_a_word_file_is_read_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "old-renamed.docx").write_bytes(make_doc())
    (tmp_path / "new-renamed.doc").write_bytes(make_docx())
    docs = {Path(doc.uri).name: doc for doc in read_sources([tmp_path], 2**20)}
    assert docs["old-renamed.docx"].text.split("\n\n") == PARAGRAPHS
    assert "Aircraft | 28" in docs["new-renamed.doc"].text
    assert read_word("x.doc", make_doc()) == read_word97("x.doc", make_doc())


def _cut(data: bytes) -> bytes:
    """``data`` with its last sectors gone (a download cut short)."""
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (make_doc(flags=TABLE_1 | ENCRYPTED), "the Word document is protected by a password"),
        (compound_file({"EncryptedPackage": b"\0" * 64}), "protected by a password"),
        (make_doc(nfib=0x0065), "a Word 6.0 or Word 95 document, older than this reader knows"),
        (make_msg(), "an Office file of the older kind that holds no Word document"),
        (make_doc(leave_out=("1Table",)), r"not a readable Word document \(no 1Table stream"),
        (_cut(make_doc(after="x" * 9000)), r"not a readable Word document \(\w+: damaged\?\)"),
        (make_doc(["  ", "\x13 PAGE \x14\x15"]), "the Word document has no text"),
    ],
    ids=["encrypted", "password-docx", "word-95", "outlook", "no-table", "cut", "no-text"],
)
def test_a_doc_that_cannot_be_used_is_one_clear_line(
    tmp_path: Path, data: bytes, message: str
) -> None:
    refused_in_one_line(tmp_path / "release.doc", data, message)
