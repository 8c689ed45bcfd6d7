"""Files uploaded in the app: staged, checked, then kept in the data folder.

An upload is written to a staging folder beside where it will be kept, so a bad file is
refused before anything is replaced; once every file passes, they are moved into place (a
rename on the same disk). Names are reduced to a plain file name: a browser's folder upload
may send ``reports/2015/wire.txt``, and nothing may climb out of the folder (``../x``).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from verifier.errors import InputError

_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_name(name: str) -> str:
    """The file name part of an uploaded name, with characters that are awkward in a path
    replaced (``reports/2015/wire.txt`` -> ``wire.txt``; never empty, never hidden)."""
    base = re.split(r"[\\/]", name)[-1].strip()
    base = _UNSAFE.sub("_", base).lstrip(".") or "upload"
    return base[:200]


@contextmanager
def staged_uploads(folder: Path, files: Sequence[tuple[str, bytes]]) -> Iterator[list[Path]]:
    """``files`` (name, content) written to a staging folder next to ``folder``, removed
    afterwards; two files of the same name are told apart (``wire.txt``, ``wire-2.txt``).

    Raises:
        InputError: no files, or the folder cannot be written.
    """
    if not files:
        raise InputError("choose one or more files to upload")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder.parent))
    except OSError as error:
        raise InputError(f"cannot write uploads to {folder}: {error.strerror}") from None
    try:
        paths: list[Path] = []
        for name, data in files:
            path = staging / _unique(safe_name(name), {p.name for p in paths})
            path.write_bytes(data)
            paths.append(path)
        yield paths
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _unique(name: str, taken: set[str]) -> str:
    stem, suffix = os.path.splitext(name)
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}{suffix}"
    return candidate


def keep_uploads(staged: Sequence[Path], folder: Path) -> list[Path]:
    """Move the staged files into ``folder`` (replacing files of the same name, as uploading
    a source again updates it). Returns where they are now."""
    kept = []
    for path in staged:
        target = folder / path.name
        os.replace(path, target)
        kept.append(target)
    return kept
