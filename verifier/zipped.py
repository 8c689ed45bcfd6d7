"""Office files are zip archives of XML: what one unpacks to is checked before any of it is
parsed, so a small file that unpacks to gigabytes is refused (:func:`check_unpacked`)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from verifier.errors import InputError

#: An Office file may unpack to this many times the file-size limit (XML is verbose; text
#: compresses about five to ten times).
UNPACKED_FACTOR = 20
#: The start of the OLE2 container of old Office files (.xls, .doc) and of password-protected
#: new ones.
OLE2 = b"\xd0\xcf\x11\xe0"


def unpacked_size(data: bytes) -> int | None:
    """What the zip archive ``data`` unpacks to, in bytes; ``None`` when it is not one, or
    not one Python can open (damaged, or asking for a newer zip version than it reads)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None


def check_unpacked(path: Path | str, unpacked: int, max_bytes: int, what: str) -> None:
    """Refuse ``what`` (read from ``path``) when it unpacks to more than
    :data:`UNPACKED_FACTOR` times ``max_bytes`` (no limit when ``max_bytes`` is 0).

    Raises:
        InputError: naming what it unpacks to, the limit and what to do.
    """
    if max_bytes and unpacked > UNPACKED_FACTOR * max_bytes:
        raise InputError(
            f"{path}: the {what} unpacks to {unpacked / 2**20:.0f} MB, over "
            f"{UNPACKED_FACTOR} times the {max_bytes / 2**20:.0f} MB limit; split it or "
            "raise VERIFIER_MAX_FILE_MB"
        )
