"""The text of a PDF (an official statement, a report, a court filing), read with ``pypdf``
as paragraphs, with the title its metadata gives; pages without a text layer (a scan) are
read by OCR (:mod:`verifier.ocr`) where Tesseract is installed.

PDF text comes as lines cut where the page ran out of width. They are joined back into
paragraphs: a line ends a paragraph when it is blank, or clearly shorter than the page's
full lines (the end of a paragraph, a heading) and not cut at a comma or a hyphen; a word
hyphenated across two lines is joined ("govern-" + "ment"; "pro-" + "Russian" keeps its
hyphen); a line that is only a page number is dropped. Each page ends a paragraph.

A PDF that cannot be used is refused with one line saying why and what to do: damaged or
not a PDF, protected by a password, or without text (a scan that OCR finds no text on, or
cannot read because Tesseract is not installed).
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from pathlib import Path
from typing import NamedTuple

from verifier import ocr
from verifier.errors import InputError

_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I)
_CUT = re.compile(r"[,\-–]$")
_HYPHENATED = re.compile(r"[a-zà-ÿ]-$")
#: A line shorter than this share of the page's usual line ends its paragraph.
_SHORT = 0.8
#: Pages read at most: more is a book, not a source to check a claim against.
MAX_PAGES = 2000


class PdfText(NamedTuple):
    """What :func:`read_pdf` read."""

    title: str | None  # from the metadata; None when it gives none
    text: str  # paragraphs separated by blank lines
    scanned: int = 0  # pages without a text layer whose text OCR read


def read_pdf(where: Path | str, data: bytes) -> PdfText:
    """The title and text of the PDF ``data`` read from ``where`` (for messages). Pages
    without a text layer are read by OCR where Tesseract is installed.

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
    scanned = 0
    if blank and ocr.available():
        for number, page_text in ocr.read_pages(where, data, blank).items():
            found[number] = paragraphs(page_text)
            scanned += _has_text(found[number])
    text = "\n\n".join(paragraph for page in found for paragraph in page)
    if not _has_text([text]):
        if not ocr.available():
            raise InputError(
                f"{where}: the PDF has no text layer (a scanned image?), and OCR is not "
                "installed (Debian: apt install tesseract-ocr); install it, or upload its "
                "text as .txt"
            )
        raise InputError(
            f"{where}: the PDF has no text layer, and OCR found no text on its pages (a blank "
            "or unreadable scan?); upload its text as .txt"
        )
    return PdfText(title, text, scanned)


def _has_text(found: list[str]) -> bool:
    return any(char.isalnum() for paragraph in found for char in paragraph)


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
