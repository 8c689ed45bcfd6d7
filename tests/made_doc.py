"""Old Word documents (``.doc``, Word 97-2003) made in the tests, as Word saves them
([MS-DOC]), in a compound file written by :func:`made_msg.compound_file`: the ``WordDocument``
stream (the FIB, the text, the formatting pages of paragraph properties), a table stream (the
piece table, the index of the formatting pages) and the summary information (the title).

The text may be stored in several pieces, 8-bit or UTF-16, in the stream in any order (as a
"fast save" leaves it), and text after the main text (footnotes, headers) is stored as Word
stores it. A real document made by LibreOffice is in ``tests/data`` beside these."""

from __future__ import annotations

import struct
from collections.abc import Sequence

from made_msg import Tree, compound_file

#: A paragraph, or a table (its rows of cells; a cell's own paragraphs split by "\r").
Block = str | Sequence[Sequence[str]]
BLOCKS: list[Block] = [
    "Statement of the Ministry of Defence",
    'The ministry said on Monday\x13 HYPERLINK "https://mod.example.gov/a" \x14 (see the '
    "notice)\x15 that 28 combat aircraft\x02 had been moved to Latakia.",
    [["Aircraft", "28"], ["Troops\rand crews", "about 1,500"]],
    "Officials declined to comment\x0bfurther.",
]
IDENT, NFIB = 0xA5EC, 0x00C1
TABLE_1, ENCRYPTED = 0x0200, 0x0100
_IN_TABLE, _TTP = b"\x16\x24\x01", b"\x17\x24\x01"
# Sprms Word writes beside them, which a reader skips by their sizes: a left indent (2
# bytes), tab stops (sized by their first byte).
_OTHERS = b"\x0f\x84\x68\x01" + b"\x0d\xc6\x03\x01\x00\x00"
_TEXT_AT, _PAGE, _RUNS = 1024, 512, 8


def make_doc(
    blocks: Sequence[Block] = BLOCKS,
    *,
    title: str | None = "MoD statement on Latakia",
    codepage: int = 1252,
    pieces: int = 1,
    unicode: bool = False,
    fast_saved: bool = False,
    after: str = "A footnote the reader leaves out.\r",
    nfib: int = NFIB,
    flags: int = TABLE_1,
    leave_out: Sequence[str] = (),
) -> bytes:
    """A Word 97-2003 document of ``blocks``: the text in ``pieces`` pieces, UTF-16 with
    ``unicode`` (or where a piece has a character Windows-1252 lacks), in reverse order in
    the stream with ``fast_saved``; ``after`` stored after the main text; the streams named
    in ``leave_out`` left out."""
    text, marks = _main_text(blocks)
    whole = text + after
    size = -(-len(whole) // pieces)
    chunks = [(at, whole[at : at + size]) for at in range(0, len(whole), size)]
    stored: dict[int, tuple[int, bool]] = {}  # piece's first character -> (offset, 8-bit)
    body = b""
    for at, chunk in reversed(chunks) if fast_saved else chunks:
        narrow = not unicode and _encodes(chunk)
        stored[at] = (_TEXT_AT + len(body), narrow)
        body += chunk.encode("cp1252") if narrow else chunk.encode("utf-16-le")
    word = bytearray(_TEXT_AT) + body
    word += bytes(-len(word) % _PAGE)
    # The file offset and width of each paragraph mark with properties.
    placed = {}
    for cp, grpprl in marks.items():
        at = max(start for start in stored if start <= cp)
        offset, narrow = stored[at]
        placed[offset + (cp - at) * (1 if narrow else 2)] = (1 if narrow else 2, grpprl)
    bounds, pages = _pages(placed, _TEXT_AT, _TEXT_AT + len(body))
    first_page = len(word) // _PAGE
    word += b"".join(pages)
    # The table stream: a Prc (formatting the pieces apply) and the piece table (the Clx),
    # then the formatting pages' index (PlcBtePapx).
    cps = [at for at, _ in chunks] + [len(whole)]
    pcds = b"".join(
        struct.pack("<HIH", 0, (offset * 2 | 0x40000000) if narrow else offset, 0)
        for offset, narrow in (stored[at] for at, _ in chunks)
    )
    plc = struct.pack(f"<{len(cps)}I", *cps) + pcds
    table = b"\x01" + struct.pack("<h", 4) + b"\x0f\x84\x00\x00"
    table += b"\x02" + struct.pack("<I", len(plc)) + plc
    clx = (0, len(table))
    bte = struct.pack(f"<{len(bounds)}I", *bounds)
    bte += struct.pack(f"<{len(pages)}I", *range(first_page, first_page + len(pages)))
    papx = (len(table), len(bte))
    table += bte
    fields = _fields(text)
    plcfld = (len(table), len(fields))
    table += fields
    fib = _fib(nfib, flags, len(word), (_TEXT_AT, _TEXT_AT + len(body)), len(text), len(after))
    fib += _pairs({13: papx, 16: plcfld, 33: clx})
    word[: len(fib)] = fib
    tree: Tree = {
        "WordDocument": bytes(word),
        "1Table" if flags & TABLE_1 else "0Table": table,
        "\x05SummaryInformation": summary(title, codepage),
    }
    return compound_file({name: node for name, node in tree.items() if name not in leave_out})


def _encodes(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _main_text(blocks: Sequence[Block]) -> tuple[str, dict[int, bytes]]:
    """The main text of ``blocks`` and the paragraph properties of each mark that has any,
    by its character position."""
    text, marks = "", {}
    for block in blocks:
        if isinstance(block, str):
            text += block + "\r"
            continue
        for row in block:
            for cell in row:
                for paragraph in cell.split("\r")[:-1]:
                    text += paragraph
                    marks[len(text)] = _IN_TABLE
                    text += "\r"
                text += cell.split("\r")[-1]
                marks[len(text)] = _OTHERS + _IN_TABLE
                text += "\x07"
            marks[len(text)] = _IN_TABLE + _OTHERS + _TTP + _row_definition(len(row))
            text += "\x07"
    return text, marks


def _row_definition(cells: int) -> bytes:
    """sprmTDefTable: a row of ``cells`` cells, 1,500 twips wide each, no borders."""
    rest = bytes([cells]) + struct.pack(f"<{cells + 1}h", *range(0, 1500 * cells + 1, 1500))
    rest += bytes(20 * cells)
    return b"\x08\xd6" + struct.pack("<H", len(rest) + 1) + rest


def _pages(
    placed: dict[int, tuple[int, bytes]], start: int, end: int
) -> tuple[list[int], list[bytes]]:
    """The formatting pages of paragraph properties over the text's file offsets from
    ``start`` to ``end`` (``placed``: each mark's offset, width and sprms), and the bounds
    of the pages' runs (PlcBtePapx's file offsets)."""
    cuts = sorted({start, end, *placed, *(at + width for at, (width, _) in placed.items())})
    runs = [(a, b, placed.get(a, (0, None))[1]) for a, b in zip(cuts, cuts[1:], strict=False)]
    bounds, pages = [], []
    for at in range(0, len(runs), _RUNS):
        chunk = runs[at : at + _RUNS]
        page = bytearray(_PAGE)
        fcs = [a for a, _, _ in chunk] + [chunk[-1][1]]
        struct.pack_into(f"<{len(fcs)}I", page, 0, *fcs)
        free, written = _PAGE - 1, {}
        for index, (_, _, grpprl) in enumerate(chunk):
            if grpprl is None:
                continue
            if grpprl in written:  # the same properties: the same place
                page[4 * len(fcs) + 13 * index] = written[grpprl]
                continue
            papx = b"\0\0" + grpprl  # the style (istd), then the sprms
            if len(papx) % 2:  # its size in words, less one byte
                stored = bytes([(len(papx) + 1) // 2]) + papx
            else:  # a zero, then its size in words
                stored = b"\0" + bytes([len(papx) // 2]) + papx
            free = (free - len(stored)) & ~1
            page[free : free + len(stored)] = stored
            page[4 * len(fcs) + 13 * index] = written[grpprl] = free // 2
        page[_PAGE - 1] = len(chunk)
        pages.append(bytes(page))
        bounds.append(fcs[0])
    bounds.append(runs[-1][1])
    return bounds, pages


def _fib(
    nfib: int, flags: int, size: int, text: tuple[int, int], ccp_text: int, ccp_after: int
) -> bytes:
    """The FIB's FibBase (``text``: where the text begins and ends in the stream, as Word 97
    still wrote it), FibRgW97 and FibRgLw97."""
    base = struct.pack(
        "<HHHHHHHIBBHH", IDENT, nfib, 0, 0x0409, 0, flags | 0x1000, 0xBF, 0, 0, 0, 0, 0
    )
    longs = [size, 0, 0, ccp_text, ccp_after] + [0] * 17
    return (
        base
        + struct.pack("<II", *text)
        + struct.pack("<H", 14)
        + bytes(28)
        + struct.pack("<H22i", 22, *longs)
    )


def _pairs(stored: dict[int, tuple[int, int]]) -> bytes:
    """FibRgFcLcb97 (93 pairs of offset and size in the table stream, ``stored`` by index),
    then no newer parts."""
    pairs = [0] * 186
    for index, (fc, lcb) in stored.items():
        pairs[2 * index : 2 * index + 2] = fc, lcb
    return struct.pack("<H186I", 93, *pairs) + struct.pack("<H", 0)


def _fields(text: str) -> bytes:
    """The main text's fields (PlcFld): each field character's position and what it is (a
    link's begin, its separator, its end)."""
    cps = [at for at, char in enumerate(text) if char in "\x13\x14\x15"]
    if not cps:
        return b""
    kinds = {"\x13": b"\x13\x58", "\x14": b"\x14\xff", "\x15": b"\x15\x80"}
    return struct.pack(f"<{len(cps) + 1}I", *cps, len(text)) + b"".join(
        kinds[text[at]] for at in cps
    )


def summary(title: str | None, codepage: int = 1252) -> bytes:
    """A summary information property set: its code page and, unless ``None``, the title
    (8-bit, in that code page)."""
    properties = [(1, struct.pack("<HHhH", 2, 0, codepage, 0))]
    if title is not None:
        raw = title.encode(f"cp{codepage}") + b"\0"
        size = len(raw)
        raw += bytes(-len(raw) % 4)
        properties.append((2, struct.pack("<II", 0x1E, size) + raw))
    at = 8 + 8 * len(properties)
    index, values = b"", b""
    for pid, value in properties:
        index += struct.pack("<II", pid, at + len(values))
        values += value
    section = struct.pack("<II", 8 + len(index) + len(values), len(properties)) + index + values
    fmtid = bytes.fromhex("E0859FF2F94F6810AB9108002B27B3D9")
    return (
        struct.pack("<HHI", 0xFFFE, 0, 0x00020006)
        + bytes(16)
        + struct.pack("<I", 1)
        + fmtid
        + struct.pack("<I", 48)
        + section
    )
