"""Outlook messages (``.msg``) made in the tests, as Outlook saves them ([MS-OXMSG]): the
message's properties in the streams of a compound file (CFB v3), written here because no
library at hand writes one. Streams under 4,096 bytes go in the mini stream, the others in
sectors of their own; siblings form the balanced search tree the format asks for."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF

#: A storage: names of streams (bytes) and of storages within it (a Tree).
Tree = dict[str, "bytes | Tree"]
BODY = "The ministry denies that 28 combat aircraft landed at Latakia.\r\n\r\nNo troops were sent."
SENT = datetime(2015, 9, 21, 7, 4, tzinfo=UTC)
SENDER = "Ministry of Defence Press Office"


def make_msg(
    subject: str | None = "RE: Statement on the Latakia air base",
    body: str | None = BODY,
    **fields: Any,
) -> bytes:
    """An Outlook message from the ministry's press office (:func:`message_tree`'s
    ``fields`` say otherwise)."""
    sender = {"sender": SENDER, "address": "press@mod.example.gov", "sent": SENT}
    return compound_file(message_tree(subject, body, **{**sender, **fields}))


def message_tree(
    subject: str | None = None,
    body: str | None = None,
    *,
    html: bytes | None = None,
    sender: str | None = None,
    address: str | None = None,
    sent: datetime | None = None,
    attachments: Sequence[tuple[str, bytes]] = (),
    items: Sequence[dict[str, object]] = (),
    codepage: int | None = None,
    html_codepage: int | None = None,
    objects: Sequence[str] = (),
    rtf: bytes | None = None,
    headers: str | None = None,
    nested: bool = False,
) -> Tree:
    """A message's storage: ``items`` are messages attached as items (this function's
    arguments each), ``objects`` the names of OLE objects embedded (a drawing, say); with
    ``codepage``, texts are 8-bit in that code page, not Unicode; ``html_codepage`` is the
    one the message names for its HTML; ``rtf`` the body as compressed RTF; ``nested``, a
    message inside another."""
    tree: Tree = {"__nameid_version1.0": {}}
    fixed = []
    if sent is not None:
        ticks = int((sent - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10**7)
        fixed.append((0x00390040, ticks))
    if codepage is not None:
        fixed.append((0x3FFD0003, codepage))
    if html_codepage is not None:
        fixed.append((0x3FDE0003, html_codepage))
    texts = {0x0037: subject, 0x1000: body, 0x0C1A: sender, 0x0C1F: address, 0x007D: headers}
    for prop, value in texts.items():
        if value is not None:
            tree.update(_text(prop, value, codepage))
    if html is not None:
        tree[_stream(0x1013, 0x0102)] = html
    if rtf is not None:  # the compressed RTF body, as given
        tree[_stream(0x1009, 0x0102)] = rtf
    count = 0
    for name, data in attachments:
        tree[f"__attach_version1.0_#{count:08X}"] = {
            "__properties_version1.0": _properties(8, [(0x37050003, 1)]),
            **_text(0x3707, name, None),
            _stream(0x3701, 0x0102): data,
        }
        count += 1
    for item in items:
        inner = message_tree(**item, nested=True)  # type: ignore[arg-type]
        tree[f"__attach_version1.0_#{count:08X}"] = {
            "__properties_version1.0": _properties(8, [(0x37050003, 5)]),
            **_text(0x3001, str(item.get("subject") or "item"), None),
            _stream(0x3701, 0x000D): inner,
        }
        count += 1
    for name in objects:  # kept as a storage too, of the object's own streams
        tree[f"__attach_version1.0_#{count:08X}"] = {
            "__properties_version1.0": _properties(8, [(0x37050003, 6)]),
            **_text(0x3001, name, None),
            _stream(0x3701, 0x000D): {"\x01Ole": bytes(20), "CONTENTS": b"drawing"},
        }
        count += 1
    head = 24 if nested else 32
    tree["__properties_version1.0"] = _properties(head, fixed, attachments=count)
    return tree


def _stream(prop: int, kind: int) -> str:
    return f"__substg1.0_{prop:04X}{kind:04X}"


def _text(prop: int, value: str, codepage: int | None) -> dict[str, bytes]:
    if codepage is None:
        return {_stream(prop, 0x001F): value.encode("utf-16-le")}
    codec = f"iso8859-{codepage - 28590}" if 28590 < codepage < 28606 else f"cp{codepage}"
    return {_stream(prop, 0x001E): value.encode(codec) + b"\0"}


def _properties(head: int, fixed: list[tuple[int, int]], attachments: int = 0) -> bytes:
    """A properties stream: its header (``head`` bytes), then one entry a fixed property."""
    header = bytearray(head)
    if head >= 24:  # the next attachment's number, and how many there are
        struct.pack_into("<I", header, 12, attachments)
        struct.pack_into("<I", header, 20, attachments)
    entries = b"".join(struct.pack("<IIQ", tag, 6, value) for tag, value in fixed)
    return bytes(header) + entries


@dataclass
class _Entry:
    """A directory entry: a storage (its children's entry numbers) or a stream (its bytes)."""

    name: str
    kind: int  # 5 the root, 1 a storage, 2 a stream
    children: list[int] = field(default_factory=list)
    data: bytes = b""
    start: int = END


def compound_file(tree: Tree) -> bytes:
    """The compound file of ``tree``: its header, then the streams' sectors, the mini
    stream, the mini FAT, the directory and the FAT."""
    entries: list[_Entry] = []

    def add(name: str, node: bytes | Tree) -> int:
        index = len(entries)
        if isinstance(node, dict):
            entries.append(_Entry(name, 5 if index == 0 else 1))
            entries[index].children = [add(child, node[child]) for child in node]
        else:
            entries.append(_Entry(name, 2, data=node))
        return index

    add("Root Entry", tree)
    mini_stream, mini_fat = b"", []
    for entry in entries:
        if entry.kind == 2 and 0 < len(entry.data) < CUTOFF:
            first, count = len(mini_stream) // MINI, -(-len(entry.data) // MINI)
            entry.start = first
            mini_fat += [first + n + 1 for n in range(count - 1)] + [END]
            mini_stream += entry.data.ljust(count * MINI, b"\0")
    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        """``data`` in sectors of its own, chained in the FAT: its first sector."""
        if not data:
            return END
        first, count = len(sectors), -(-len(data) // SECTOR)
        for n in range(count):
            sectors.append(data[n * SECTOR : (n + 1) * SECTOR].ljust(SECTOR, b"\0"))
            fat.append(first + n + 1 if n < count - 1 else END)
        return first

    for entry in entries:
        if entry.kind == 2 and len(entry.data) >= CUTOFF:
            entry.start = place(entry.data)
    root = entries[0]
    root.start, root.data = place(mini_stream), mini_stream
    mini_fat_table = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    mini_fat_start = place(mini_fat_table)
    directory = b"".join(_entry(entries, index) for index in range(len(entries)))
    directory_start = place(directory + _EMPTY * (-len(entries) % 4))
    fat_count = 1
    while fat_count * SECTOR // 4 < len(sectors) + fat_count:
        fat_count += 1
    assert fat_count <= 109, "the header's DIFAT only"
    fat_start = len(sectors)
    fat += [FATSECT] * fat_count
    table = struct.pack(
        f"<{fat_count * SECTOR // 4}I", *fat, *[FREE] * (fat_count * 128 - len(fat))
    )
    sectors += [table[n * SECTOR : (n + 1) * SECTOR] for n in range(fat_count)]
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack(
            "<9I",
            0,
            fat_count,
            directory_start,
            0,
            CUTOFF,
            mini_fat_start,
            -(-len(mini_fat_table) // SECTOR),
            END,
            0,
        )
        + struct.pack(
            "<109I", *[fat_start + n for n in range(fat_count)], *[FREE] * (109 - fat_count)
        )
    )
    return header + b"".join(sectors)


def _entry(entries: list[_Entry], index: int) -> bytes:
    entry = entries[index]
    left = right = NOSTREAM
    for parent in entries:
        if index in parent.children:
            left, right = _siblings(entries, parent.children, index)
    child = (
        _ordered(entries, entry.children)[len(entry.children) // 2] if entry.children else NOSTREAM
    )
    name = entry.name.encode("utf-16-le") + b"\0\0"
    start, size = (0, 0) if entry.kind == 1 else (entry.start, len(entry.data))
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBBIII", len(name), entry.kind, 1, left, right, child)
        + bytes(36)  # class id, state bits, times
        + struct.pack("<IQ", start, size)
    )


_EMPTY = bytes(64) + struct.pack("<HBBIII", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM) + bytes(48)


def _ordered(entries: list[_Entry], children: list[int]) -> list[int]:
    """Siblings in the format's order: shorter names first, then by their upper case."""
    return sorted(children, key=lambda i: (len(entries[i].name), entries[i].name.upper()))


def _siblings(entries: list[_Entry], children: list[int], index: int) -> tuple[int, int]:
    """The left and right siblings of ``index`` in the balanced search tree of
    ``children`` (the middle one the root, each half the same way)."""
    ordered = _ordered(entries, children)
    lo, hi = 0, len(ordered)
    while True:
        mid = (lo + hi) // 2
        if ordered[mid] == index:
            left = ordered[(lo + mid) // 2] if lo < mid else NOSTREAM
            right = ordered[(mid + 1 + hi) // 2] if mid + 1 < hi else NOSTREAM
            return left, right
        if ordered.index(index) < mid:
            hi = mid
        else:
            lo = mid + 1
