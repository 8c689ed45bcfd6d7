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


class _Gatherer(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


class Notices:
    """The warnings gathered by :func:`gathered`."""

    def __init__(self, gatherer: _Gatherer) -> None:
        self._gatherer = gatherer

    def lines(self, folders: Sequence[str | Path] = ()) -> list[str]:
        """Each warning once, in the order first logged, with the ``folders`` taken out of
        the paths it names (a file uploaded in the app is named as uploaded)."""
        found: dict[str, None] = {}
        for message in self._gatherer.messages:
            for folder in folders:
                message = message.replace(f"{folder}{os.sep}", "")
            found.setdefault(" ".join(message.split()))
        return list(found)


@contextmanager
def gathered(logger: str = "verifier") -> Iterator[Notices]:
    """The warnings ``logger`` and those under it log on this thread inside the block."""
    gatherer = _Gatherer()
    log = logging.getLogger(logger)
    log.addHandler(gatherer)
    try:
        yield Notices(gatherer)
    finally:
        log.removeHandler(gatherer)
