"""An exclusive lock across processes: ``flock`` on a file beside the data it guards."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from verifier.errors import VerifierError


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created, with its folder, if missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = open(path, "a")  # noqa: SIM115 (closed below, after the unlock)
    except OSError as error:
        what = "a folder, not a lock file" if path.is_dir() else f"unusable ({error.strerror})"
        raise VerifierError(
            f"{path} is {what}: remove it (nothing is lost, it only serialises writers) "
            "and run the command again"
        ) from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
