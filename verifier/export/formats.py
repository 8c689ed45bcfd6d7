"""Output files: formats by name and the extension each writes, the checks made before any
work, and atomic writing (a temporary file renamed into place)."""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from verifier.errors import InputError

#: Tables: one row per record (``verifier score`` writes these too).
FORMATS = {"jsonl": ".jsonl", "csv": ".csv", "xlsx": ".xlsx", "parquet": ".parquet"}
OUTPUT_SUFFIXES = tuple(FORMATS.values())
#: Readable reports (:mod:`verifier.export.document`).
DOCUMENT_FORMATS = {"html": ".html", "md": ".md"}
#: Every format a verdict report is written in; ``claimreview`` is a JSON-LD array.
REPORT_FORMATS = {**FORMATS, **DOCUMENT_FORMATS, "claimreview": ".json"}


def check_output(path: Path, suffixes: Sequence[str] = OUTPUT_SUFFIXES) -> None:
    """Refuse an output path before any work is done.

    Raises:
        InputError: unsupported extension, or the folder does not exist.
    """
    if path.suffix.lower() not in suffixes:
        allowed = ", ".join(suffixes)
        raise InputError(f"{path}: output must end in {allowed}, not {path.suffix or '(none)'}")
    if not path.parent.resolve().is_dir():
        raise InputError(f"{path}: folder {path.parent} does not exist")


def output_format(
    path: Path, fmt: str | None = None, formats: Mapping[str, str] = REPORT_FORMATS
) -> str:
    """The format to write ``path`` in: ``fmt`` when given (checked against the extension),
    else the one its extension names; then :func:`check_output`.

    Raises:
        InputError: unknown format, an extension that does not fit it, or a missing folder.
    """
    suffix = path.suffix.lower()
    if fmt is None:
        by_suffix = {ending: name for name, ending in formats.items()}
        if suffix not in by_suffix:
            raise InputError(
                f"{path}: cannot tell the format from {suffix or 'no extension'}; "
                f"end the name in {', '.join(formats.values())} or give --format"
            )
        fmt = by_suffix[suffix]
    elif fmt not in formats:
        raise InputError(f"format must be one of {', '.join(formats)}, not {fmt!r}")
    elif suffix != formats[fmt]:
        raise InputError(f"{path}: a {fmt} file must end in {formats[fmt]}")
    check_output(path, tuple(formats.values()))
    return fmt


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path``, renamed onto it when the block succeeds (removed if
    it fails), so a reader never sees half a file and a failed export leaves no litter.

    The temporary file's name holds the writer's process id; one left by a writer that was
    killed (``kill -9`` or a power cut, where nothing could remove it) is removed by the next
    write to the same path.
    """
    remove_stale_temporaries(path)
    handle, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files of writes to ``path`` whose process is gone. Returns them."""
    removed = []
    for candidate in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = candidate.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
