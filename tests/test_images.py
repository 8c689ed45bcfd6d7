"""Images as sources and articles (a screenshot of a post, a photo of a statement, a fax's
TIFF): read by OCR (Tesseract, installed by scripts/services), made ready for it first
(upright, on white, small ones enlarged), marked as read by OCR, and one clear line for an
image that cannot be used."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from made_documents import make_screenshot
from PIL import Image, ImageDraw, ImageFont

from tests.conftest import refused_in_one_line
from verifier import ocr, pipeline
from verifier.documents import list_sources
from verifier.sources import read_sources
from verifier.workbench import Workbench

POST = [
    "BREAKING: 28 Russian fighter jets have landed at",
    "the air base near Latakia, officials said on Monday.",
]
SAID = " ".join(POST)


@pytest.mark.parametrize(
    ("kind", "dark"),
    [("PNG", False), ("PNG", True), ("JPEG", True), ("WEBP", False)],
    ids=["png", "png-dark-mode", "jpeg-dark-mode", "webp"],
)
def test_a_screenshot_is_read_by_ocr_and_marked_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, kind: str, dark: bool
) -> None:
    path = tmp_path / f"post.{kind.lower()}"
    path.write_bytes(make_screenshot(POST, kind, dark))
    with caplog.at_level(logging.WARNING):
        [doc] = read_sources([path], 2**20)
    assert (doc.format, doc.text) == (ocr.SCANNED_IMAGE, SAID)  # its lines joined
    assert doc.title.startswith("BREAKING: 28 Russian fighter jets")
    assert f"{path}: an image read by OCR; check quotes and figures against it" in caplog.text


def _photo(lines: list[str], turn: int = 0, transparent: bool = False) -> Image.Image:
    """Black type on white (or on nothing, ``transparent``), its pixels turned ``turn``
    degrees as a phone held sideways stores them."""
    font = ImageFont.load_default(size=30)
    image = Image.new(
        "RGBA" if transparent else "L", (860, 60 + 40 * len(lines)), 0 if transparent else 255
    )
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text(
            (30, 30 + 40 * number), line, fill=(0, 0, 0, 255) if transparent else 0, font=font
        )
    return image.rotate(turn, expand=True) if turn else image


def test_a_photo_stored_sideways_a_transparent_image_and_a_fax_of_pages(tmp_path: Path) -> None:
    # A phone's photo: pixels stored sideways, the EXIF orientation saying how to turn them.
    sideways = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # to be turned 90 degrees clockwise to stand upright
    _photo(POST, turn=90).save(sideways, "JPEG", exif=exif)
    (tmp_path / "photo.jpg").write_bytes(sideways.getvalue())
    # A logo-style image: type on nothing, which is black where it is transparent.
    clear = io.BytesIO()
    _photo(POST, transparent=True).save(clear, "PNG")
    (tmp_path / "clear.png").write_bytes(clear.getvalue())
    # A fax: a TIFF of two pages, read in order.
    fax = io.BytesIO()
    first, second = _photo(["Page one: the ministry denies it."]), _photo(["Page two: no jets."])
    first.save(fax, "TIFF", save_all=True, append_images=[second])
    (tmp_path / "fax.tif").write_bytes(fax.getvalue())
    named = [tmp_path / name for name in ("photo.jpg", "clear.png", "fax.tif")]
    docs = {Path(doc.uri).name: doc.text for doc in read_sources(named, 2**20)}
    assert docs == {
        "photo.jpg": SAID,
        "clear.png": SAID,
        "fax.tif": "Page one: the ministry denies it.\n\nPage two: no jets.",
    }


def test_an_image_source_and_article(bench: Workbench, tmp_path: Path) -> None:
    path = tmp_path / "post.png"
    path.write_bytes(make_screenshot(POST))
    report = pipeline.ingest(bench, [path], outlet="Social media")
    assert report.added == 1 and "an image read by OCR" in report.warnings[0]
    with bench.db.session() as session:
        [row] = list_sources(session)[0]
    assert (row.format, row.outlet) == (ocr.SCANNED_IMAGE, "Social media")
    # A screenshot of a post going round, as the article to check.
    upload = pipeline.read_article_upload(bench, "viral.jpg", make_screenshot(POST, "JPEG"))
    assert upload.text == SAID
    assert any("viral.jpg: an image read by OCR" in warning for warning in upload.warnings)


def _gif_frames(count: int) -> bytes:
    out = io.BytesIO()
    frames = [_photo([f"Frame {n}"]) for n in range(count)]
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def test_an_image_that_cannot_be_used_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused_in_one_line(
        tmp_path / "x.png", b"plain text named .png", r"not an image that can be read \(\w+\)"
    )
    blank = io.BytesIO()
    Image.new("L", (400, 300), 255).save(blank, "PNG")
    refused_in_one_line(tmp_path / "blank.png", blank.getvalue(), "OCR read no text in the image")
    cut = make_screenshot(POST)
    refused_in_one_line(tmp_path / "cut.png", cut[: len(cut) // 2], "not an image that can be read")
    # More frames than OCR reads of one file; more pixels than Pillow opens.
    monkeypatch.setattr(ocr, "MAX_PAGES", 2)
    refused_in_one_line(
        tmp_path / "many.gif",
        _gif_frames(3),
        "the image has 3 pages; OCR reads up to 2 of one file",
    )
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    refused_in_one_line(
        tmp_path / "huge.png",
        make_screenshot(["A poster"]),
        "the image has more pixels than 10,000",
    )
    # Without Tesseract on the PATH, an image cannot be read: said so, with what to install.
    monkeypatch.setenv("PATH", str(tmp_path))
    refused_in_one_line(
        tmp_path / "post.png",
        make_screenshot(POST),
        r"an image's text is read by OCR, which is not installed \(Debian: apt install",
    )
