"""The text of a Rich Text Format file (``.rtf``: a press release saved from a word
processor, an older statement), read with ``striprtf``: its paragraphs, and the title from
its information group.

RTF is 7-bit text whose other characters are escapes: ``\\'xx`` in the code page the file
names (``\\ansicpg``, or a font's character set; Windows-1252 when it names none or one
Python does not know), ``\\uN`` for any other. Pictures, fonts and other groups that are
not text are left out. A file that does not open as RTF, or holds no text, is refused with
one line.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from striprtf.striprtf import rtf_to_text

from verifier.errors import InputError

_CODE_PAGE = re.compile(r"\\ansicpg(\d+)")
_TITLE = re.compile(r"\{\\title\s?((?:[^{}\\]|\\[^{}])*)\}")


def read_rtf(where: Path | str, data: bytes) -> tuple[str | None, str]:
    """``(title, text)`` of the RTF document ``data`` read from ``where`` (for messages):
    the title from its information group (``None`` when it has none), the text as
    paragraphs separated by blank lines.

    Raises:
        InputError: not an RTF document, or one without text.
    """
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise InputError(
            f"{where}: not an RTF document (it does not start with {{\\rtf); open it and save "
            "it again as .rtf, or as .txt"
        )
    # 7-bit in principle; a stray 8-bit byte kept as is. The code page is read from the file
    # by striprtf too, and by its fonts' character sets.
    encoding, raw = _encoding(data.decode("latin-1"))
    try:
        text = rtf_to_text(raw, encoding=encoding, errors="replace")
        named = _TITLE.search(raw[:65536])
        title = ""
        if named:  # read as a document of its own, so that its last escape is read too
            title = rtf_to_text(f"{{\\rtf1 {named.group(1)}}}", encoding=encoding, errors="replace")
    except Exception as error:  # the parser failing on a damaged file
        raise InputError(
            f"{where}: not a readable RTF document ({type(error).__name__}); open it and save "
            "it again as .rtf, or as .txt"
        ) from None
    paragraphs = (" ".join(line.split()) for line in text.splitlines())
    text = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    if not any(char.isalnum() for char in text):
        raise InputError(f"{where}: the document has no text; save its text as .txt")
    return " ".join(title.split()) or None, text


def _encoding(raw: str) -> tuple[str, str]:
    """The code page the file names for its ``\\'xx`` escapes, as Python names it, and the
    file with a code page Python does not know taken out (so that it is read as 1252)."""
    found = _CODE_PAGE.search(raw[:4096])
    if found:
        name = f"cp{int(found.group(1))}"
        try:
            codecs.lookup(name)
            return name, raw
        except LookupError:
            return "cp1252", raw[: found.start()] + raw[found.end() :]
    return "cp1252", raw
