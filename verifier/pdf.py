"""The text of a PDF (an official statement, a report, a court filing), read with ``pypdf``
as paragraphs, with the title its metadata gives; pages without a text layer (a scan) are
read by OCR (:mod:`verifier.ocr`) where Tesseract is installed.

PDF text comes as lines cut where the page ran out of width. They are joined back into
paragraphs: a line ends a paragraph when it is blank, or clearly shorter than the page's
full lines (the end of a paragraph, a heading) and not cut at a comma or a hyphen; a word
hyphenated across two lines is joined ("govern-" + "ment"; "pro-" + "Russian" keeps its
hyphen); a line that is only a page number is dropped. Each page ends a paragraph.

A scan with a line stamped over it as text (a Bates or case number, a court's filing header)
has a text layer of a few words over a page-sized image: such a page is read by OCR too, and
what OCR reads replaces the text layer when it holds at least as much again (a letter's few
lines over a letterhead's image, or a slide's title over a photograph, keep their own text).
The first :data:`STAMP_PROBE` such pages are read first, and the rest only if OCR replaced
one of them: a slide deck over pictures costs two pages of OCR, not one a slide.

A PDF that cannot be used is refused with one line saying why and what to do: damaged or
not a PDF, protected by a password, or without text (a scan that OCR finds no text on, or
cannot read because Tesseract is not installed). Without Tesseract, the text pages of a PDF
with scanned pages are read, and the scanned pages counted as not read.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from verifier import ocr
from verifier.errors import InputError

_WORD = re.compile(r"[^\W_]+")
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I)
_CUT = re.compile(r"[,\-–]$")
_HYPHENATED = re.compile(r"[a-zà-ÿ]-$")
#: A line shorter than this share of the page's usual line ends its paragraph.
_SHORT = 0.8
#: Pages read at most: more is a book, not a source to check a claim against.
MAX_PAGES = 2000
#: A page whose text layer has fewer words than this over a page-sized image is a scan with
#: a line stamped on it (:func:`verifier.ocr.scanned_pages`).
STAMP_WORDS = 40
#: Such pages read first: the rest are read only if OCR found more on one of them.
STAMP_PROBE = 2


class PdfText(NamedTuple):
    """What :func:`read_pdf` read."""

    title: str | None  # from the metadata; None when it gives none
    text: str  # paragraphs separated by blank lines
    scanned: int = 0  # scanned pages whose text OCR read
    unread: int = 0  # scanned pages not read: Tesseract is not installed


def read_pdf(where: Path | str, data: bytes) -> PdfText:
    """The title and text of the PDF ``data`` read from ``where`` (for messages). Scanned
    pages (no text layer, or a stamp over a page-sized image) are read by OCR where
    Tesseract is installed.

    Raises:
        InputError: damaged or not a PDF, password-protected, too many pages, no text, or
            (:func:`verifier.ocr.read_pages`) a scan OCR cannot read.
    """
    import pypdf  # here: only PDF files need it

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are about the file
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(
                f"{where}: the PDF is protected by a password; save a copy without one, or "
                "export its text as .txt"
            )
        if len(reader.pages) > MAX_PAGES:
            raise InputError(
                f"{where}: the PDF has {len(reader.pages)} pages, over {MAX_PAGES}; split it"
            )
        title = _title(reader)
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except NotImplementedError:  # an encryption or filter pypdf does not implement
        raise InputError(
            f"{where}: the PDF uses a feature verifier cannot read (an unusual encryption or "
            "compression); export its text as .txt"
        ) from None
    except Exception as error:  # the parser failing on the file: a damaged file
        raise InputError(
            f"{where}: cannot be read as a PDF ({type(error).__name__}: damaged, or not a "
            "PDF); open it and save it again, or export its text as .txt"
        ) from None
    found = [paragraphs(page) for page in pages]
    blank = [number for number, page in enumerate(found) if not _has_text(page)]
    thin = [number for number, page in enumerate(found) if 0 < _words(page) < STAMP_WORDS]
    if not ocr.available():
        return _without_ocr(where, title, found, ocr.scanned_pages(data, sorted(blank + thin)))
    stamped = ocr.scanned_pages(data, thin)
    # The first pages under a stamp are read with the pages without text: when OCR finds no
    # more on them than their text layer, the file is no stamped scan (a slide deck over
    # pictures, say), and its other such pages keep their text layer unread.
    probe, rest = stamped[:STAMP_PROBE], stamped[STAMP_PROBE:]
    scanned, replaced = _read_by_ocr(where, data, found, sorted(blank + probe), probe)
    if rest and replaced:
        ocr.check_pages(where, data, blank + stamped)
        more, _ = _read_by_ocr(where, data, found, rest, rest)
        scanned += more
    text = _joined(found)
    if not _has_text([text]):
        raise InputError(
            f"{where}: the PDF has no text layer, and OCR found no text on its pages (a blank "
            "or unreadable scan?); upload its text as .txt"
        )
    return PdfText(title, text, scanned)


def _read_by_ocr(
    where: Path | str, data: bytes, found: list[list[str]], numbers: list[int], stamped: list[int]
) -> tuple[int, int]:
    """Read the pages ``numbers`` by OCR into ``found``; those of them ``stamped`` (a text
    layer over a page-sized image) only where OCR reads at least twice the layer's words.
    Returns the pages read with text, and the stamped pages replaced."""
    scanned = replaced = 0
    for number, page_text in (ocr.read_pages(where, data, numbers) if numbers else {}).items():
        read = paragraphs(page_text)
        if number in stamped:
            if _words(read) < 2 * _words(found[number]):
                continue  # no more under the text layer than in it: a letterhead, a picture
            replaced += 1
        found[number] = read
        scanned += _has_text(read)
    return scanned, replaced


def _without_ocr(
    where: Path | str, title: str | None, found: list[list[str]], scans: list[int]
) -> PdfText:
    """What is read without OCR: the text layer, ``scans`` counted as not read; refused when
    only scans have text (a stamp over a scan is not the document's text)."""
    if not _has_text([_joined(page for number, page in enumerate(found) if number not in scans)]):
        raise InputError(
            f"{where}: the PDF has no text layer (a scanned image?), and OCR is not "
            "installed (Debian: apt install tesseract-ocr); install it, or upload its "
            "text as .txt"
        )
    return PdfText(title, _joined(found), unread=len(scans))


def _joined(pages: Iterable[list[str]]) -> str:
    return "\n\n".join(paragraph for page in pages for paragraph in page)


def _has_text(found: list[str]) -> bool:
    return any(char.isalnum() for paragraph in found for char in paragraph)


def _words(found: list[str]) -> int:
    return sum(len(_WORD.findall(paragraph)) for paragraph in found)


def paragraphs(page: str) -> list[str]:
    """The paragraphs of one page's extracted text (see the module's notes)."""
    lines = [" ".join(line.split()) for line in page.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if not _PAGE_NUMBER.match(line)]
    full = [len(line) for line in lines if line]
    usual = statistics.median(sorted(full)[len(full) // 2 :]) if full else 0
    found: list[str] = []
    current = ""
    for line in lines:
        if not line:
            found.append(current)
            current = ""
            continue
        if _HYPHENATED.search(current) and line[:1].islower():
            current = current[:-1] + line  # a word cut in two: "govern-" + "ment"
        elif current.endswith("-") and line[:1].isalnum():
            current += line  # a compound: "pro-" + "Russian"
        else:
            current = f"{current} {line}" if current else line
        if len(line) < _SHORT * usual and not _CUT.search(line):
            found.append(current)
            current = ""
    found.append(current)
    return [paragraph for paragraph in found if paragraph.strip()]


def _title(reader: object) -> str | None:
    metadata = getattr(reader, "metadata", None)
    title = getattr(metadata, "title", None) if metadata is not None else None
    if not isinstance(title, str):
        return None
    title = " ".join(title.split())
    # Tools often leave their own file names or placeholders as the title.
    if (
        not title
        or title.lower() in {"untitled", "title"}
        or title.lower().endswith((".doc", ".docx", ".pdf", ".indd"))
    ):
        return None
    return title
