"""Small text helpers shared by sources, claims, stance, review and export code: hashes,
comparison keys, titles, web addresses, spreadsheet cells, Windows code pages."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

_TITLE_CHARS = 100
#: How text that a spreadsheet would run as a formula begins; exports write such text after
#: an apostrophe (:func:`verifier.export.safe_cell`), so that it shows as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_hash(text: str) -> str:
    """Stable key for a text (sha256 of its UTF-8 bytes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise(text: str) -> str:
    """Comparison key: case, quote style, dashes and spacing do not make a claim new."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[‘’`´]", "'", text)
    text = re.sub(r"[“”„]", '"', text)
    text = re.sub(r"[‐-―]", "-", text)
    return " ".join(re.sub(r"[^\w\s'-]", " ", text).split())


def one_line(value: object) -> str | None:
    """A value as one line of text, its spacing made single; ``None`` when missing or blank."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def first_line_title(text: str, fallback: str) -> str:
    """The first line, as a headline; a long one (body text, no headline) is cut at a word."""
    for line in text.split("\n"):
        line = " ".join(line.strip().lstrip("#").split())
        if len(line) > _TITLE_CHARS:
            return line[: _TITLE_CHARS + 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        if line:
            return line
    return fallback


def web_address(value: object) -> str | None:
    """``value`` stripped when it is an http(s) URL with a host (one that may become a link),
    else ``None``: a file path, ``javascript:``, ``ftp:`` or anything else is not."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def contains_pattern(text: str) -> str:
    """A LIKE pattern (escape character ``\\``) matching values that contain ``text``
    literally: its ``%``, ``_`` and ``\\`` are escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def as_written(cell: str) -> str:
    """A spreadsheet cell's text as it was before an export made it inert: a verdict report
    that comes back (``verifier review --import``) keeps a note such as ``=6, not 28``."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell


#: Windows code pages Python knows by another name (the rest are ``cpNNNN``).
_CODECS = {
    65001: "utf-8",
    65000: "utf-7",
    20127: "ascii",
    20866: "koi8-r",
    21866: "koi8-u",
    50220: "iso2022-jp",
    51932: "euc-jp",
    51949: "euc-kr",
    54936: "gb18030",
    **{28590 + n: f"iso8859-{n}" for n in range(1, 16) if n != 12},  # 12 was never made
}


def decode_codepage(raw: bytes, codepage: int | None) -> str:
    """``raw`` in Windows code page ``codepage`` (as Office files name theirs); one Python
    does not know, or none, is read as Windows-1252."""
    try:
        codec = _CODECS.get(codepage, f"cp{codepage}") if codepage else "cp1252"
        return raw.decode(codec, "replace")
    except LookupError:
        return raw.decode("cp1252", "replace")
