"""The text of an OpenDocument text (``.odt``: what LibreOffice and many ministries' office
suites save), read from its XML with ``defusedxml``: paragraphs, headings, lists and tables
in document order, the title from its metadata.

A table becomes one paragraph per row, its cells joined by `` | `` (as a Word document's do,
:mod:`verifier.word`). What is not the document's running text is left out: comments,
footnotes (they would break the sentence they hang from) and the text of tracked deletions.
What the file unpacks to is checked before any of it is parsed (:mod:`verifier.zipped`). A
file that cannot be used is refused with one line: a password-protected document, another
kind of OpenDocument (a spreadsheet, a presentation), a damaged file, or one without text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from verifier.errors import InputError
from verifier.zipped import check_unpacked, unpacked_size

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
#: The kinds of OpenDocument that hold running text (a document, its template, a master).
_TEXT_KINDS = "application/vnd.oasis.opendocument.text"
#: Elements whose text is not the document's running text.
_LEFT_OUT = {
    f"{_OFFICE}annotation",  # a comment
    f"{_TEXT}note",  # a footnote or endnote
    f"{_TEXT}tracked-changes",  # what was deleted, kept for change tracking
}
_PARAGRAPHS = {f"{_TEXT}p", f"{_TEXT}h"}


def read_odt(where: Path | str, data: bytes, max_bytes: int = 0) -> tuple[str | None, str]:
    """``(title, text)`` of the OpenDocument text ``data`` read from ``where`` (for
    messages): the title from its metadata (``None`` when blank), the text as paragraphs
    separated by blank lines. ``max_bytes`` (the file-size limit) bounds what it may unpack
    to.

    Raises:
        InputError: not an OpenDocument text, password-protected, damaged, unpacking to too
            much, or without text.
    """
    unpacked = unpacked_size(data)
    if unpacked is None:
        raise InputError(
            f"{where}: not an OpenDocument text (.odt) (damaged, or another kind of file); "
            "open it and save it again as .odt, or as .txt"
        )
    check_unpacked(where, unpacked, max_bytes, "document")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            kind = archive.read("mimetype").decode("ascii", "replace").strip()
            if not kind.startswith(_TEXT_KINDS):
                raise InputError(
                    f"{where}: an OpenDocument of another kind ({kind or 'none named'}), not "
                    "a text document; save its text as .odt or .txt"
                )
            manifest = "META-INF/manifest.xml"
            if manifest in names and b"encryption-data" in archive.read(manifest):
                raise InputError(
                    f"{where}: the document is protected by a password; save a copy without "
                    "one, or its text as .txt"
                )
            content = ElementTree.fromstring(archive.read("content.xml"))
            meta = archive.read("meta.xml") if "meta.xml" in names else None
            title = _title(ElementTree.fromstring(meta)) if meta else None
        body = content.find(f"{_OFFICE}body/{_OFFICE}text")
        blocks = [" ".join(block.split()) for block in _blocks(body)] if body is not None else []
    except InputError:
        raise
    except Exception as error:  # zipfile and the XML parser raise many kinds for damage
        raise InputError(  # (and elements nested past Python's recursion limit)
            f"{where}: not a readable OpenDocument text ({type(error).__name__}); open it and "
            "save it again as .odt, or as .txt"
        ) from None
    text = "\n\n".join(block for block in blocks if block)
    if not any(char.isalnum() for char in text):
        raise InputError(f"{where}: the document has no text; save its text as .txt")
    return title, text


def _blocks(element: Element) -> Iterator[str]:
    """The paragraphs under ``element``, a table's rows as one each, in document order."""
    for child in element:
        if child.tag in _LEFT_OUT:
            continue
        if child.tag in _PARAGRAPHS:
            boxes: list[Element] = []
            yield _inline(child, boxes)
            for box in boxes:  # a text box anchored in it: its own paragraphs after it
                yield from _blocks(box)
        elif child.tag == f"{_TABLE}table-row":
            cells = (
                " ".join(" ".join(_blocks(cell)).split())
                for cell in child
                if cell.tag == f"{_TABLE}table-cell"
            )
            yield " | ".join(cell for cell in cells if cell)
        else:  # lists, sections, tables and their row groups, frames
            yield from _blocks(child)


def _inline(element: Element, boxes: list[Element]) -> str:
    """An element's own text: spans and links as their text, spacing elements as spaces;
    comments and footnotes left out, and what holds paragraphs of its own (a text box) put
    in ``boxes``."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{_TEXT}s":
            parts.append(" " * _count(child.get(f"{_TEXT}c")))
        elif child.tag in (f"{_TEXT}tab", f"{_TEXT}line-break"):
            parts.append(" ")
        elif child.tag in _LEFT_OUT:
            pass
        elif any(next(child.iterfind(f".//{tag}"), None) is not None for tag in _PARAGRAPHS):
            boxes.append(child)
        else:
            parts.append(_inline(child, boxes))
        parts.append(child.tail or "")
    return "".join(parts)


def _count(value: str | None) -> int:
    """``text:s``'s count of spaces (one when not a small number)."""
    return int(value) if value and value.isdigit() and int(value) < 100 else 1


def _title(meta: Element) -> str | None:
    found = meta.find(f"{_OFFICE}meta/{_DC}title")
    title = " ".join((found.text or "").split()) if found is not None else ""
    return title or None
