"""Rows of an Excel workbook (``.xlsx``), read as a CSV file's rows are read.

Desks keep claims, sources and verdicts in spreadsheets; a sheet saved as ``.xlsx`` is read
without a detour through CSV. The first sheet is read; its first non-empty row is the
header. Cells become text as a spreadsheet shows them: a whole number without ``.0``, a
date as ``YYYY-MM-DD``. The workbook is opened with openpyxl (XML parsed by defusedxml), and
what it unpacks to is checked against a limit before any of it is parsed, so a small file
that unpacks to gigabytes is refused.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

from verifier.errors import InputError
from verifier.zipped import OLE2, check_unpacked, unpacked_size

log = logging.getLogger(__name__)


def read_xlsx_rows(
    path: Path, data: bytes, max_bytes: int = 0
) -> tuple[list[str], list[tuple[int, dict[str, object]]]]:
    """The header of the first sheet of the workbook ``data`` (read from ``path``; column
    names lower-cased and stripped, blank ones left out) and its rows as ``(row number,
    {column: text})``; blank rows skipped, cells under no header ignored. Which columns a
    caller needs it checks itself (:func:`verifier.readers.read_table`). ``max_bytes`` (the
    file-size limit) bounds what the workbook may unpack to
    (:data:`~verifier.zipped.UNPACKED_FACTOR` times it).

    Raises:
        InputError: not a workbook (or an old ``.xls`` one), unpacking to too much, or an
            empty first sheet.
    """
    _check_unpacked(path, data, max_bytes)
    from openpyxl import load_workbook  # a second or so to import; only for workbooks

    book = None
    try:
        with warnings.catch_warnings():  # "no default style" and the like: nothing to act on
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            if len(book.worksheets) > 1:
                log.warning(
                    "%s: read the first sheet, %r, of %d", path, sheet.title, len(book.worksheets)
                )
            # A read-only sheet is parsed as its rows are read: damage shows up here too.
            return _records(path, sheet.iter_rows(values_only=True))
    except InputError:
        raise
    except Exception as error:  # openpyxl and the XML parser raise many kinds for damage
        raise InputError(
            f"{path}: not a readable Excel workbook ({type(error).__name__}); open it in a "
            "spreadsheet and save it again as .xlsx, or as .csv"
        ) from None
    finally:
        if book is not None:
            book.close()


def _records(
    path: Path, values: Iterator[tuple[object, ...]]
) -> tuple[list[str], list[tuple[int, dict[str, object]]]]:
    rows = enumerate(values, start=1)
    header: list[str] = []
    for _, cells in rows:
        if any(_cell_text(value) for value in cells):
            header = [_cell_text(value).lower() for value in cells]
            break
    if not header:
        raise InputError(f"{path}: the first sheet is empty; put the table on it")
    records = []
    for number, cells in rows:
        texts = [_cell_text(value) for value in cells]
        if not any(texts):
            continue
        texts += [""] * (len(header) - len(texts))
        record = {name: text for name, text in zip(header, texts, strict=False) if name}
        records.append((number, dict[str, object](record)))
    return [name for name in header if name], records


def _check_unpacked(path: Path, data: bytes, max_bytes: int) -> None:
    unpacked = unpacked_size(data)
    if unpacked is None:
        old = data.startswith(OLE2)  # the container of .xls
        raise InputError(
            f"{path}: "
            + ("an old Excel (.xls) workbook" if old else "not an Excel (.xlsx) workbook")
            + "; open it in a spreadsheet and save it as .xlsx or .csv"
        )
    check_unpacked(path, unpacked, max_bytes, "workbook")


def _cell_text(value: object) -> str:
    """A cell as a spreadsheet shows it: ``7`` not ``7.0``, a date as ``YYYY-MM-DD``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value).strip()
