"""The text of an old Word document (``.doc``: Word 97 to 2003, the format older templates and
many press offices still save in), read with ``olefile`` by the format's piece table
([MS-DOC]): its paragraphs and tables in document order, the title from its summary
information.

A ``.doc`` file is a compound file whose ``WordDocument`` stream holds the characters and
a table stream (``0Table`` or ``1Table``) holds where they lie: the piece table maps the
document's character positions onto runs of 8-bit (Windows-1252) or UTF-16 text, in any
order (a "fast save" appends its changes). The main text comes first; footnotes, headers,
comments and text boxes follow it and are left out, as are pictures and field codes (a
link's address; its shown text stays). A table row becomes one paragraph, its cells joined
by `` | `` as :mod:`verifier.word` joins a ``.docx``'s: which paragraph ends a row is read
from the paragraphs' properties (the formatting pages of the ``WordDocument`` stream).

Refused with one line: an encrypted or password-protected document, a Word 6.0/95 one (an
older format), a compound file that holds no Word document, a damaged one, one without
text.
"""

from __future__ import annotations

import bisect
import io
import logging
import re
import struct
from collections.abc import Iterator
from pathlib import Path

import olefile

from verifier.errors import InputError
from verifier.text import decode_codepage

_IDENT = 0xA5EC  # FibBase.wIdent of a Word document
_NFIB_97 = 0x00C0  # the oldest FibBase.nFib of the Word 97 format (Word 97 beta wrote 0xC0)
_ENCRYPTED, _TABLE_1 = 0x0100, 0x0200  # FibBase flags: fEncrypted, fWhichTblStm
_FIB_BASE = 32  # bytes of FibBase, then FibRgW (csw words), FibRgLw (cslw longs), FibRgFcLcb
_CCP_TEXT = 3  # FibRgLw97.ccpText: characters of the main text
_BTE_PAPX, _CLX = 13, 33  # FibRgFcLcb97: fcPlcfBtePapx, fcClx (pairs of fc, lcb)
_PAGE = 512  # a formatting page (FKP)
_IN_TABLE, _TTP = 0x2416, 0x2417  # sprmPFInTable, sprmPFTtp (the paragraph ends a row)
_SPRM_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # operand bytes by spra; 6: sized
_TABLE_DEF = 0xD608  # sprmTDefTable: sized by its first two bytes, not its first one
_CELL, _PARAGRAPH = "\x07", "\r"
_MARK = re.compile("[\r\x07]")
# Characters that stand for something not text (a picture, a footnote or comment mark, a
# separator) are dropped; breaks are spaces or paragraph ends; special hyphens read as text.
_MARKS = str.maketrans(
    {
        "\x01": None,
        "\x02": None,
        "\x03": None,
        "\x04": None,
        "\x05": None,
        "\x08": None,
        "\x0b": " ",
        "\x0c": _PARAGRAPH,
        "\x0e": _PARAGRAPH,
        "\x1e": "-",
        "\x1f": None,
    }
)
_FIELD = re.compile("([\x13\x14\x15])")  # field begin, separator (code | result), end


def read_word97(where: Path | str, data: bytes) -> tuple[str | None, str]:
    """``(title, text)`` of the old Word document ``data`` read from ``where`` (for
    messages): the title from its summary information (``None`` when blank), the text as
    paragraphs separated by blank lines.

    Raises:
        InputError: not a Word 97-2003 document, password-protected, damaged, or without
            text.
    """
    logging.getLogger("olefile").setLevel(logging.ERROR)  # its warnings are about the file
    try:
        ole: olefile.OleFileIO[str] = olefile.OleFileIO(io.BytesIO(data))
        with ole:
            if ole.exists("EncryptedPackage") or not ole.exists("WordDocument"):
                raise _not_word(where, protected=ole.exists("EncryptedPackage"))
            word = ole.openstream("WordDocument").read()
            ident, nfib, flags = struct.unpack_from("<HH6xH", word)
            if ident != _IDENT:
                raise _damaged(where, "no Word header")
            if nfib < _NFIB_97:
                raise InputError(
                    f"{where}: a Word 6.0 or Word 95 document, older than this reader knows; "
                    "open it in Word and save it as .docx, or as .txt"
                )
            if flags & _ENCRYPTED:
                raise _not_word(where, protected=True)
            table_name = "1Table" if flags & _TABLE_1 else "0Table"
            if not ole.exists(table_name):
                raise _damaged(where, f"no {table_name} stream")
            table = ole.openstream(table_name).read()
            title = _title(ole)
        text = _Document(word, table).text()
    except InputError:
        raise
    except Exception as error:  # olefile's and struct's many kinds of complaint about damage
        raise _damaged(where, type(error).__name__) from None
    text = "\n\n".join(block for block in _blocks(text) if block)
    if not any(char.isalnum() for char in text):
        raise InputError(f"{where}: the Word document has no text")
    return title, text


def _not_word(where: Path | str, protected: bool) -> InputError:
    if protected:
        return InputError(
            f"{where}: the Word document is protected by a password; open it, remove the "
            "password and save it again, or save its text as .txt"
        )
    return InputError(
        f"{where}: an Office file of the older kind that holds no Word document (an Excel or "
        "PowerPoint file?); save its text as .txt"
    )


def _damaged(where: Path | str, why: str) -> InputError:
    return InputError(
        f"{where}: not a readable Word document ({why}: damaged?); open it and save it again "
        "as .docx, or as .txt"
    )


def _title(ole: olefile.OleFileIO[str]) -> str | None:
    """The title in the document's summary information, in its code page."""
    if not ole.exists("\x05SummaryInformation"):
        return None
    meta = ole.get_metadata()  # its attributes are set as read: unknown to the stubs
    title = getattr(meta, "title", None)
    if isinstance(title, bytes):
        title = decode_codepage(title.split(b"\0", 1)[0], getattr(meta, "codepage", None))
    return " ".join((title or "").split()) or None


class _Document:
    """The ``WordDocument`` stream ``word`` and table stream ``table`` of a document."""

    def __init__(self, word: bytes, table: bytes) -> None:
        self.word, self.table = word, table
        at = _FIB_BASE
        (csw,) = struct.unpack_from("<H", word, at)
        at += 2 + 2 * csw
        (cslw,) = struct.unpack_from("<H", word, at)
        longs = struct.unpack_from(f"<{cslw}i", word, at + 2)
        at += 2 + 4 * cslw
        (pairs,) = struct.unpack_from("<H", word, at)
        self.fc_lcb = struct.unpack_from(f"<{2 * pairs}I", word, at + 2)
        self.ccp_text = longs[_CCP_TEXT]
        if not 0 <= self.ccp_text <= len(word):  # a character takes a byte at least
            raise ValueError("more characters than the WordDocument stream holds")

    def _stored(self, index: int) -> bytes:
        """The table stream's structure at FibRgFcLcb pair ``index``."""
        fc, lcb = self.fc_lcb[2 * index], self.fc_lcb[2 * index + 1]
        if fc + lcb > len(self.table):
            raise ValueError("a structure past the end of the table stream")
        return self.table[fc : fc + lcb]

    def pieces(self) -> Iterator[tuple[int, int, bool]]:
        """``(file offset, characters, compressed)`` of each run of the main text, in order."""
        clx = self._stored(_CLX)
        at = 0
        while clx[at] == 1:  # Prc: formatting the pieces apply, skipped
            (size,) = struct.unpack_from("<H", clx, at + 1)
            at += 3 + size
        if clx[at] != 2:
            raise ValueError("no piece table")
        (size,) = struct.unpack_from("<I", clx, at + 1)
        count = (size - 4) // 12
        cps = struct.unpack_from(f"<{count + 1}I", clx, at + 5)
        if any(end < start for start, end in zip(cps, cps[1:], strict=False)):
            raise ValueError("pieces out of order")  # so they add up to ccpText at most
        for index in range(count):
            start, end = cps[index], min(cps[index + 1], self.ccp_text)
            if start >= end:
                continue
            (fc,) = struct.unpack_from("<I", clx, at + 5 + 4 * (count + 1) + 8 * index + 2)
            compressed = bool(fc & 0x40000000)
            offset = (fc & 0x3FFFFFFF) // 2 if compressed else fc & 0x3FFFFFFF
            yield offset, end - start, compressed

    def text(self) -> str:
        """The main text, a table's marks rewritten by its paragraphs' properties: a
        paragraph end inside a cell a space, a cell's end mark :data:`_CELL`, a row's end
        mark a paragraph end (:data:`_PARAGRAPH`)."""
        marks = self._marks()
        parts = []
        for offset, count, compressed in self.pieces():
            width = 1 if compressed else 2
            raw = self.word[offset : offset + count * width]
            if len(raw) != count * width:
                raise ValueError("text past the end of the WordDocument stream")
            chars = raw.decode("cp1252", "replace") if compressed else raw.decode("utf-16-le")
            done = 0
            for mark in _MARK.finditer(chars):
                index = mark.start()
                in_table, ends_row = marks(offset + index * width)
                if (mark.group() == _CELL and ends_row) or (
                    mark.group() == _PARAGRAPH and in_table
                ):
                    parts.append(chars[done:index])
                    parts.append(_PARAGRAPH if mark.group() == _CELL else " ")
                    done = index + 1
            parts.append(chars[done:])
        return "".join(parts)

    def _marks(self) -> _Marks:
        """What the paragraph properties say of each paragraph mark."""
        plc = self._stored(_BTE_PAPX)
        count = (len(plc) - 4) // 8
        pages = struct.unpack_from(f"<{count}I", plc, 4 * (count + 1)) if count > 0 else ()
        return _Marks(self.word, [page & 0x3FFFFF for page in pages])


class _Marks:
    """The paragraph properties in the formatting pages ``pages`` of ``word``: asked of a
    paragraph mark's file offset, whether its paragraph is in a table, and whether it ends
    a table row."""

    def __init__(self, word: bytes, pages: list[int]) -> None:
        runs: list[tuple[int, tuple[bool, bool]]] = []  # first file offset, properties
        for page in pages:
            fkp = word[page * _PAGE : (page + 1) * _PAGE]
            if len(fkp) < _PAGE:
                raise ValueError("a formatting page past the end of the WordDocument stream")
            count = fkp[_PAGE - 1]
            fcs = struct.unpack_from(f"<{count + 1}I", fkp)
            for run in range(count):
                where = 2 * fkp[4 * (count + 1) + 13 * run]
                runs.append((fcs[run], _table_marks(fkp, where) if where else (False, False)))
        runs.sort(key=lambda run: run[0])
        self.starts = [start for start, _ in runs]
        self.properties = [properties for _, properties in runs]

    def __call__(self, offset: int) -> tuple[bool, bool]:
        run = bisect.bisect_right(self.starts, offset) - 1
        return self.properties[run] if run >= 0 else (False, False)


def _table_marks(fkp: bytes, at: int) -> tuple[bool, bool]:
    """Whether the paragraph properties (PapxInFkp) at ``at`` of a formatting page put the
    paragraph in a table, and whether they make it the end of a row."""
    size = 2 * fkp[at] - 1
    if size < 0:  # the size in the next byte, in words
        at += 1
        size = 2 * fkp[at]
    start, end = at + 1 + 2, min(at + 1 + size, len(fkp))  # after the style (istd)
    found = {_IN_TABLE: False, _TTP: False}
    while start + 2 < end:
        (sprm,) = struct.unpack_from("<H", fkp, start)
        start += 2
        if sprm in found:
            found[sprm] = bool(fkp[start])
        spra = sprm >> 13
        if sprm == _TABLE_DEF:
            start += struct.unpack_from("<H", fkp, start)[0] + 1
        elif spra == 6:  # sized by its first byte
            start += 1 + fkp[start]
        else:
            start += _SPRM_SIZE[spra]
    return found[_IN_TABLE] or found[_TTP], found[_TTP]


def _blocks(text: str) -> Iterator[str]:
    """The paragraphs of the main text ``text`` (as :meth:`_Document.text` gives it), field
    codes left out; a table row as one paragraph, its cells joined by `` | `` (an empty one
    left out)."""
    kept, fields = [], []  # for each open field, whether its result has begun
    for part in _FIELD.split(text):
        if part == "\x13":
            fields.append(False)
        elif part == "\x14" and fields:
            fields[-1] = True
        elif part == "\x15" and fields:
            fields.pop()
        elif part not in ("\x13", "\x14", "\x15") and all(fields):
            kept.append(part)
    for paragraph in "".join(kept).translate(_MARKS).split(_PARAGRAPH):
        cells = (" ".join(cell.split()) for cell in paragraph.split(_CELL))
        yield " | ".join(cell for cell in cells if cell)
