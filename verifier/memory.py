"""Give freed heap memory back to the operating system between batches.

glibc's allocator keeps memory a program has freed for reuse, and with OpenVINO's worker
threads allocating beside Python's objects it keeps a growing share: measured on an ingest
of 10,366 abstracts (docs/benchmarks.md), resident memory grew with the input though what
was in use did not. :func:`release_free_memory` asks glibc to return those pages
(``malloc_trim``); it takes about a millisecond and is called after each batch of a long
write. On other C libraries it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        function = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None  # not glibc (musl, macOS, Windows)
    function.argtypes, function.restype = [ctypes.c_size_t], ctypes.c_int
    return function  # type: ignore[no-any-return]


def release_free_memory() -> bool:
    """Return freed heap pages to the OS. Returns whether the C library supports it."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
