"""Word (.docx) sources and articles: paragraphs and tables in order, the title from the
document's properties, and one clear line for a file that cannot be used."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from made_documents import make_docx, needing_newer_zip

from verifier import pipeline
from verifier.documents import list_sources
from verifier.errors import InputError
from verifier.sources import read_sources
from verifier.word import read_word
from verifier.workbench import Workbench


def test_paragraphs_and_table_rows_in_order_with_the_title() -> None:
    title, text = read_word("statement.docx", make_docx())
    assert title == "MoD statement on Latakia"
    assert text.split("\n\n") == [
        "Statement of the Ministry of Defence",
        "The ministry said on Monday that 28 combat aircraft had been moved to the Latakia "
        "air base as part of an exercise.",
        "Aircraft | 28",
        "Troops | about 1,500",
        "Officials declined to comment further.",
    ]


def test_a_word_source_and_article(bench: Workbench, tmp_path: Path) -> None:
    path = tmp_path / "statement.docx"
    path.write_bytes(make_docx(title=None))
    [doc] = read_sources([tmp_path], 2**20)
    assert (doc.format, doc.title) == ("docx", "Statement of the Ministry of Defence")
    assert pipeline.ingest(bench, [path], outlet="Ministry of Defence").added == 1
    with bench.db.session() as session:
        [row] = list_sources(session)[0]
    assert row.outlet == "Ministry of Defence"
    stored = pipeline.extract_article_file(bench, path)
    assert any("28 combat aircraft" in claim.text for claim in stored.claims)
    # The same text uploaded under another name (its title differs): a duplicate, kept once.
    report = pipeline.ingest_uploads(bench, [("release.docx", make_docx())])
    assert report.added == 0 and [Path(uri).name for uri, _ in report.duplicates] == [
        "release.docx"
    ]


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, r"not a readable Word document \("),
        (make_docx()[:500], r"not a Word \(.docx or .doc\) document \(damaged"),
        (b"plain text saved as .docx", r"not a Word \(.docx or .doc\) document"),
        (_zip({"hello.txt": b"not a document"}), r"not a readable Word document \(\w+\)"),
        (_zip({"big.xml": b"<a/>" + b" " * 25 * 2**20}), r"unpacks to 25 MB, over 20 times"),
        (needing_newer_zip(make_docx()), r"not a Word \(.docx or .doc\) document \(damaged"),
    ],
    ids=["old-container", "truncated", "text", "other-zip", "zip-bomb", "newer-zip"],
)
def test_a_word_file_that_cannot_be_used_is_one_clear_line(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "release.docx"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as raised:
        list(read_sources([path], 2**20))
    assert str(raised.value).startswith(f"{path}: ") and "\n" not in str(raised.value)


def test_a_word_document_without_text_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    docx.Document().save(out)
    with pytest.raises(InputError, match="the Word document has no text"):
        read_word("empty.docx", out.getvalue())
