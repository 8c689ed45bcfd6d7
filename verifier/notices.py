"""The warnings a step logs while it runs, gathered for a page to show (a row without text
skipped, an attachment not read, a scan read by OCR, a file not in UTF-8): the command line
prints them as they come; the app shows them with the step's result.

Only the warnings of the thread that gathers are kept: each of the app's sessions runs on
its own thread, and one desk's upload must not show another's warnings.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


class Notices(logging.Handler):
    """The warnings gathered by :func:`gathered`: those logged on the thread that made it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self._thread = threading.get_ident()
        self._messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self._thread:
            self._messages.append(record.getMessage())

    def lines(self, folders: Sequence[str | Path] = ()) -> list[str]:
        """Each warning once, in the order first logged, with the ``folders`` taken out of
        the paths it names (a file uploaded in the app is named as uploaded)."""
        found: dict[str, None] = {}
        for message in self._messages:
            for folder in folders:
                message = message.replace(f"{folder}{os.sep}", "")
            found.setdefault(" ".join(message.split()))
        return list(found)


@contextmanager
def gathered(logger: str = "verifier") -> Iterator[Notices]:
    """The warnings ``logger`` and those under it log on this thread inside the block."""
    heard = Notices()
    log = logging.getLogger(logger)
    log.addHandler(heard)
    try:
        yield heard
    finally:
        log.removeHandler(heard)
