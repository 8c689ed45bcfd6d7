"""PDF sources and articles: the text layer read back into paragraphs, the title from the
metadata, scanned pages read by OCR (Tesseract, installed by scripts/services) and marked,
and one clear line for a PDF that cannot be used (damaged, locked, a scan without text)."""

from __future__ import annotations

import io
import logging
import subprocess
from pathlib import Path

import pypdf
import pytest
from made_documents import make_pdf, make_scan, stamped, with_scanned_page
from PIL import Image, ImageDraw

from verifier import ocr, pipeline
from verifier.db.models import Document
from verifier.documents import list_sources
from verifier.errors import InputError
from verifier.pdf import paragraphs, read_pdf
from verifier.sources import read_pdf_doc, read_sources
from verifier.workbench import Workbench

STATEMENT = [
    [
        "Statement of the Ministry of Defence",
        "",
        "The ministry said on Monday that 28 combat aircraft had been moved to the",
        "Latakia air base in the past week, and that the move was part of a long-plan-",
        "ned exercise agreed with the government in Damascus.",
        "Officials declined to give the number of troops.",
        "1",
    ],
    [
        "Satellite images published by a US think tank show a new air traffic control",
        "tower and housing for about 1,500 personnel at the base.",
        "Page 2 of 2",
    ],
]


def test_lines_are_joined_into_paragraphs() -> None:
    title, text, *_ = read_pdf("statement.pdf", make_pdf(STATEMENT, title="MoD on Latakia"))
    assert title == "MoD on Latakia"
    assert text.split("\n\n") == [
        "Statement of the Ministry of Defence",
        "The ministry said on Monday that 28 combat aircraft had been moved to the Latakia air "
        "base in the past week, and that the move was part of a long-planned exercise agreed "
        "with the government in Damascus.",
        "Officials declined to give the number of troops.",
        "Satellite images published by a US think tank show a new air traffic control tower "
        "and housing for about 1,500 personnel at the base.",
    ]


def test_a_short_line_cut_at_a_comma_runs_on_and_a_compound_keeps_its_hyphen() -> None:
    full = "A long line of text that fills the page's width from one margin to the other"
    page = f"{full}\nthen a short one,\nwhich runs on.\nA heading\n{full}."
    assert paragraphs(page) == [
        f"{full} then a short one, which runs on.",
        "A heading",
        f"{full}.",
    ]
    assert paragraphs(f"{full} pro-\nRussian forces")[0].endswith(" pro-Russian forces")


def test_a_pdf_source_is_ingested_with_its_title(bench: Workbench, tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "statement.pdf").write_bytes(make_pdf(STATEMENT, title="Word export.docx"))
    [doc] = read_sources([folder], 2**20)
    assert doc.format == "pdf" and doc.title == "Statement of the Ministry of Defence"
    report = pipeline.ingest(bench, [folder], outlet="Ministry of Defence", date="2015-09-21")
    assert report.added == 1 and report.passages >= 1
    with bench.db.session() as session:
        [row] = list_sources(session)[0]
    assert (row.outlet, str(row.published)) == ("Ministry of Defence", "2015-09-21")
    found = pipeline.score_claims(bench, ["Russia moved 28 combat aircraft to Latakia."], top_k=1)
    assert "long-planned exercise" in found[0].evidence[0].text


def test_an_article_can_be_a_pdf(bench: Workbench, tmp_path: Path) -> None:
    path = tmp_path / "article.pdf"
    path.write_bytes(make_pdf(STATEMENT))
    stored = pipeline.extract_article_file(bench, path)
    assert stored.title == "Statement of the Ministry of Defence"
    assert any("28 combat aircraft" in claim.text for claim in stored.claims)
    loaded = pipeline.read_article_upload(bench, "statement.pdf", make_pdf(STATEMENT))
    assert loaded.text.startswith("Statement of the Ministry of Defence\n\nThe ministry said")
    assert loaded.warnings == []
    # A scanned article is read by OCR, and the Articles page says so beside its text.
    scan = make_scan([SCANNED])
    loaded = pipeline.read_article_upload(bench, "scanned-article.pdf", scan)
    assert "Hmeimim air base near Latakia" in loaded.text
    assert loaded.warnings == [
        "scanned-article.pdf: 1 scanned page(s) read by OCR; check quotes and figures against "
        "the scan"
    ]


def _locked() -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(STATEMENT))))
    writer.encrypt(user_password="secret", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _owner_only(algorithm: str) -> bytes:
    """Locked against editing only: it opens without a password, as readers open it."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(STATEMENT))))
    writer.encrypt(user_password="", owner_password="owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 this is not really a PDF", r"cannot be read as a PDF \(.*\); open it and save"),
        (make_pdf(STATEMENT)[:300], r"cannot be read as a PDF"),
        (b"<html><p>Not a PDF at all</p></html>", r"cannot be read as a PDF"),
        (_locked(), r"protected by a password; save a copy without one, or export its text"),
        (make_pdf([[], []]), r"no text layer, and OCR found no text on its pages \(a blank"),
        (make_pdf([["12", "Page 3 of 9"]]), r"has no text layer"),
        (b"   \n", r"file is empty"),
    ],
    ids=["damaged", "truncated", "html", "password", "scan", "page-numbers-only", "empty"],
)
def test_a_pdf_that_cannot_be_used_is_one_clear_line(
    bench: Workbench, tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as raised:
        pipeline.ingest(bench, [path])
    assert str(raised.value).startswith(f"{path}: ") and "\n" not in str(raised.value)
    with bench.db.session() as session:
        assert list_sources(session)[1] == 0  # nothing stored


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_a_pdf_locked_against_editing_only_is_read(algorithm: str) -> None:
    assert read_pdf("x.pdf", _owner_only(algorithm))[1].startswith("Statement of the Ministry")


def test_a_pdf_uploaded_in_the_app_is_kept_or_named_as_uploaded(bench: Workbench) -> None:
    report = pipeline.ingest_uploads(bench, [("statement.pdf", make_pdf(STATEMENT))])
    assert report.added == 1
    kept = bench.settings.home / "uploads" / "sources" / "statement.pdf"
    assert kept.read_bytes().startswith(b"%PDF")
    with pytest.raises(InputError, match=r"^scan\.pdf: the PDF has no text layer"):
        pipeline.ingest_uploads(bench, [("scan.pdf", make_pdf([[]]))])
    assert not (kept.parent / "scan.pdf").exists()


SCANNED = [
    "MINISTRY OF DEFENCE",
    "",
    "The ministry said its fighter jets remain at the",
    "Hmeimim air base near Latakia, where 28 aircraft",
    "were counted on 21 September 2015.",
]


def test_a_scanned_statement_is_read_by_ocr_and_marked_as_such(
    bench: Workbench, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_scan([[*SCANNED, "", f"Ref. {tmp_path.name}"]]))  # no scan seen before
    assert not pypdf.PdfReader(path).pages[0].extract_text().strip()  # an image, no text
    with caplog.at_level(logging.INFO, logger="verifier"):
        assert pipeline.ingest(bench, [path]).added == 1
    assert f"{path}: 1 scanned page(s) read by OCR; check quotes" in caplog.text
    # Ingest reads a file twice (checked first, then stored): OCR reads the scan once.
    assert caplog.text.count("scanned page(s) by OCR") == 1
    with bench.db.session() as session:
        [row], _ = list_sources(session)
        stored = session.get_one(Document, row.id).text
    # The source says it was read by OCR; its text is the page's, as printed.
    assert (row.format, row.title) == ("pdf-ocr", "MINISTRY OF DEFENCE")
    assert stored.split("\n\n")[:2] == [
        "MINISTRY OF DEFENCE",
        "The ministry said its fighter jets remain at the Hmeimim air base near Latakia, where "
        "28 aircraft were counted on 21 September 2015.",
    ]


def test_a_scanned_page_among_text_pages_is_read_in_its_place(
    caplog: pytest.LogCaptureFixture,
) -> None:
    annex = make_scan([["Annex: signed by the minister on 21 September 2015."]])
    title, text, scanned, _ = read_pdf("signed.pdf", with_scanned_page(make_pdf(STATEMENT), annex))
    assert scanned == 1
    assert text.startswith("Statement of the Ministry of Defence\n\nThe ministry said")
    assert text.endswith("\n\nAnnex: signed by the minister on 21 September 2015.")
    # A text PDF reads as before: no page of it goes to OCR, nor is OCR started.
    with caplog.at_level(logging.INFO, logger="verifier"):
        assert read_pdf("statement.pdf", make_pdf(STATEMENT)).scanned == 0
    assert "OCR" not in caplog.text


def test_without_tesseract_a_scan_says_what_to_install_and_text_pages_are_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract program on it
    assert not ocr.available()
    with pytest.raises(InputError, match=r"^scan\.pdf: the PDF has no text layer") as raised:
        read_pdf("scan.pdf", make_scan([SCANNED]))
    assert "OCR is not installed (Debian: apt install tesseract-ocr); install it" in str(
        raised.value
    )
    annex = make_scan([["Annex: signed by the minister."]])
    read = read_pdf("signed.pdf", with_scanned_page(make_pdf(STATEMENT), annex))
    assert read.scanned == 0 and read.text.endswith(
        "housing for about 1,500 personnel at the base."
    )
    assert read.unread == 1  # the annex: said when ingested
    # A stamp over a scan is not the document's text: refused as a scan, not read as such.
    with pytest.raises(InputError, match=r"^bates\.pdf: the PDF has no text layer"):
        read_pdf("bates.pdf", stamped(make_scan([SCANNED, SCANNED]), [["DOS-0001"], ["DOS-0002"]]))
    # A text PDF has no page left unread.
    assert read_pdf("statement.pdf", make_pdf(STATEMENT)).unread == 0


def test_an_unread_scanned_page_is_said_when_ingested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract program on it
    annex = make_scan([["Annex: signed by the minister."]])
    with caplog.at_level(logging.WARNING, logger="verifier"):
        doc = read_pdf_doc("signed.pdf", with_scanned_page(make_pdf(STATEMENT), annex))
    assert doc.format == "pdf" and "1,500 personnel" in doc.text
    assert (
        "signed.pdf: 1 scanned page(s) not read: OCR is not installed (Debian: apt install "
        "tesseract-ocr); install it and ingest the file again"
    ) in caplog.text


def test_a_scan_stamped_with_a_line_of_text_is_read_by_ocr_with_its_stamp() -> None:
    pages = [SCANNED, SCANNED[2:], ["Annex: signed by the minister on 21 September 2015."]]
    bates = [["DOS-000122"], ["DOS-000123"], ["DOS-000124"]]
    title, text, scanned, _ = read_pdf("release.pdf", stamped(make_scan(pages), bates))
    assert scanned == 3  # the first two told OCR it is a scan: the third is read too
    for printed in ("Hmeimim air base near Latakia, where 28", "signed by the minister on 21"):
        assert printed in text, text
    assert all(stamp in text for [stamp] in bates)  # the stamps are on the pages too
    # A text page is no scan, however few its words: it is read from its text layer.
    assert read_pdf("note.pdf", make_pdf([["DOS-000125"]])) == (None, "DOS-000125", 0, 0)


def _deck(titles: list[str]) -> bytes:
    """Slides exported as PDF: each a picture (a band, a disc) under its title as text."""
    images = []
    for number, _ in enumerate(titles):
        image = Image.new("L", (1000, 750), 230)
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 600, 1000, 750), fill=90)
        draw.ellipse((650 + 10 * number, 150, 950, 450), fill=170)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=100, save_all=True, append_images=images[1:])
    return stamped(out.getvalue(), [[title] for title in titles], top=700)


def test_slides_over_pictures_keep_their_text_and_only_two_are_given_to_ocr(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    titles = [f"Slide {number}: Russian deployments at Latakia" for number in range(1, 6)]
    data = _deck(titles)
    assert ocr.scanned_pages(data, range(5)) == [0, 1, 2, 3, 4]  # pictures under each title
    monkeypatch.setattr(ocr, "MAX_PAGES", 3)  # more slides than OCR reads is no refusal
    with caplog.at_level(logging.INFO, logger="verifier"):
        read = read_pdf("deck.pdf", data)
    assert (read.scanned, read.text) == (0, "\n\n".join(titles))
    assert "deck.pdf: reading 2 scanned page(s) by OCR" in caplog.text
    assert caplog.text.count("by OCR") == 1  # the first two slides told it: no scan
    # A stamped scan of more pages than OCR reads is refused, as a scan without text is.
    pages = [SCANNED] * 4
    bates = [[f"DOS-00012{number}"] for number in range(4)]
    with pytest.raises(InputError, match=r"^bates\.pdf: 4 pages are scans \(no text layer, or"):
        read_pdf("bates.pdf", stamped(make_scan(pages), bates))
    # Stamped fronts and unstamped blank backs: the backs are not counted.
    two_sided = make_scan([SCANNED, [], SCANNED, [], SCANNED, []])
    two_sided = stamped(two_sided, [["DOS-000130"], [], ["DOS-000131"], [], ["DOS-000132"], []])
    assert read_pdf("two-sided.pdf", two_sided).scanned == 3


def test_a_short_letter_over_a_letterhead_image_keeps_its_own_text() -> None:
    letter = [
        "Dear editor, the ministry confirms that 28 aircraft",
        "are at the Hmeimim air base near Latakia.",
    ]
    letterhead = make_scan([["MINISTRY OF DEFENCE", "Press office"]])  # an image, no text
    data = stamped(letterhead, [letter], top=720)
    assert ocr.scanned_pages(data, [0]) == [0]  # a page-sized image under a few lines
    read = read_pdf("letter.pdf", data)
    # OCR reads the letterhead and the letter: no more than the letter's own words again.
    assert (read.scanned, read.text) == (0, " ".join(letter))


def test_a_scan_longer_than_ocr_reads_is_refused_before_any_page_is_read(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(ocr, "MAX_PAGES", 2)
    with caplog.at_level(logging.INFO, logger="verifier"):
        with pytest.raises(InputError, match=r"^long\.pdf: 3 pages are scans \(no text layer, "):
            read_pdf("long.pdf", make_scan([SCANNED] * 3))
        # The blank backs of a two-sided scan are not counted: three inked pages are.
        duplex = make_scan([SCANNED, [], SCANNED, [], ["Annex"], []])
        with pytest.raises(InputError, match=r"^duplex\.pdf: 3 pages are scans .* up to 2 pages"):
            read_pdf("duplex.pdf", duplex)
    assert "by OCR" not in caplog.text  # no page was read
    assert read_pdf("duplex.pdf", make_scan([SCANNED, [], SCANNED, []])).scanned == 2


def _tsv(*lines: tuple[int, int, int, str]) -> str:
    """Tesseract's TSV output for ``lines``, each (block, left, top, text) in 40-pixel type
    (a word 20 pixels a letter, a space 20): a row per word, as Tesseract writes it."""
    rows = [
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\t"
        "height\tconf\ttext"
    ]
    for line, (block, left, top, text) in enumerate(lines, start=1):
        rows.append(f"4\t1\t{block}\t1\t{line}\t0\t{left}\t{top}\t0\t40\t-1\t")
        for word, value in enumerate(text.split(), start=1):
            rows.append(
                f"5\t1\t{block}\t1\t{line}\t{word}\t{left}\t{top}\t"
                f"{20 * len(value)}\t40\t95.0\t{value}"
            )
            left += 20 * len(value) + 20
    return "\n".join(rows) + "\n"


def test_a_paragraph_ocr_cut_in_two_blocks_is_read_whole_and_others_stay_apart() -> None:
    full = "The ministry said its fighter jets remain at the base"  # 1,060 pixels wide
    # Tesseract put a block break inside a paragraph (a line right under a full line):
    # the lines run on, and the paragraph reads whole.
    cut = _tsv((1, 300, 400, full), (2, 300, 460, "near Latakia, where 28 aircraft were seen."))
    assert paragraphs(ocr.page_text(cut)) == [f"{full} near Latakia, where 28 aircraft were seen."]
    # So in a double-spaced court filing (its lines as far apart inside paragraphs), and
    # under a paragraph's indented first line.
    filing = _tsv((1, 380, 400, full), (1, 300, 520, full), (2, 300, 640, "the base."))
    assert paragraphs(ocr.page_text(filing)) == [f"{full} {full} the base."]
    # Where the next block is a new paragraph, it stays one: after a short line; under a
    # blank line, single- or double-spaced; an indented first line.
    short = "Officials declined to comment,"  # a line cut at a comma runs on in a page
    for apart in (
        _tsv((1, 300, 400, full), (1, 300, 460, short), (2, 300, 520, full)),
        _tsv((1, 300, 400, full), (1, 300, 460, full), (2, 300, 580, full)),
        _tsv((1, 300, 400, full), (1, 300, 520, full), (2, 300, 760, full)),
        _tsv((1, 300, 400, full), (1, 300, 460, full), (2, 400, 520, full), (2, 300, 580, full)),
    ):
        assert len(paragraphs(ocr.page_text(apart))) == 2, ocr.page_text(apart)
    assert ocr.page_text(_tsv()) == ""


def test_a_language_pack_installed_while_verifier_runs_is_read_in_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    tessdata = Path(listed.stdout.split('"')[1])  # 'List of ... languages in "FOLDER" (2):'
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # a folder of language packs
    (tmp_path / "eng.traineddata").symlink_to(tessdata / "eng.traineddata")
    assert ocr.languages() == "eng"
    (tmp_path / "rus.traineddata").symlink_to(tessdata / "eng.traineddata")  # "installed"
    assert ocr.languages() == "eng+rus"
    assert "28 aircraft" in ocr.read_pages("rus.pdf", make_scan([SCANNED]), [0])[0]


def test_blank_pages_are_passed_over_and_a_tesseract_that_cannot_run_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # Tesseract gone after it was found
    # White pages (the backs of sheets) are never given to Tesseract: read without it.
    assert ocr.read_pages("backs.pdf", make_scan([[], []]), [0, 1]) == {0: "", 1: ""}
    with pytest.raises(InputError, match=r"^inked\.pdf: OCR could not run on page 1 \(.*\); "):
        ocr.read_pages("inked.pdf", make_scan([[*SCANNED, f"Ref. {tmp_path.name}"]]), [0])
