"""The text of a Word document (``.docx``: a press release, a statement sent by email), read
with ``python-docx``: its paragraphs and tables in document order, the title from its
properties. An old Word document (``.doc``, in the older container) is read by
:mod:`verifier.word97`; which one a file is, is told by its content, not its name (a
``.doc`` renamed ``.docx``, or the other way round, is read all the same).

A table becomes one paragraph per row, its cells joined by `` | `` (a ministry's figures
stay next to what they count). What the file unpacks to is checked before any of it is
parsed (:mod:`verifier.zipped`). A file that cannot be used is refused with one line: a
password-protected document, a damaged file, or one without text.
"""

from __future__ import annotations

import io
from pathlib import Path

from verifier.errors import InputError
from verifier.word97 import read_word97
from verifier.zipped import OLE2, check_unpacked, unpacked_size


def read_word(where: Path | str, data: bytes, max_bytes: int = 0) -> tuple[str | None, str]:
    """``(title, text)`` of the Word document ``data`` (``.docx``, or an old ``.doc``) read
    from ``where`` (for messages): the title from its properties (``None`` when blank), the
    text as paragraphs separated by blank lines. ``max_bytes`` (the file-size limit) bounds
    what a ``.docx`` may unpack to.

    Raises:
        InputError: password-protected, damaged, unpacking to too much, or without text.
    """
    if data.startswith(OLE2):
        return read_word97(where, data)
    unpacked = unpacked_size(data)
    if unpacked is None:
        raise InputError(
            f"{where}: not a Word (.docx or .doc) document (damaged, or another kind of "
            "file); open it and save it again as .docx, or as .txt"
        )
    check_unpacked(where, unpacked, max_bytes, "document")
    import docx  # here: only Word documents need it
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                blocks.extend(_rows(block))
            else:
                blocks.append(" ".join(block.text.split()))
        title = " ".join((document.core_properties.title or "").split()) or None
    except Exception as error:  # python-docx and lxml raise many kinds for damage
        raise InputError(
            f"{where}: not a readable Word document ({type(error).__name__}); open it and "
            "save it again as .docx, or as .txt"
        ) from None
    text = "\n\n".join(block for block in blocks if block)
    if not any(char.isalnum() for char in text):
        raise InputError(f"{where}: the Word document has no text")
    return title, text


def _rows(table: object) -> list[str]:
    """Each row of ``table`` as one line, its cells (each once, merged ones too) by `` | ``."""
    lines = []
    for row in getattr(table, "rows", []):
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # a merged cell repeats
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines
