"""Rows of an Excel workbook (``.xlsx``, or an old ``.xls``), read as a CSV file's rows are
read.

Desks keep claims, sources and verdicts in spreadsheets; a sheet saved as ``.xlsx`` is read
without a detour through CSV. One sheet is read: the first whose header has the column the
caller needs, else the first (the others are named in a warning); its first non-empty row
is the header. Cells become text as a spreadsheet shows them: a whole number without ``.0``, a
date as ``YYYY-MM-DD``. The workbook is opened with openpyxl (XML parsed by defusedxml), and
what it unpacks to is checked against a limit before any of it is parsed, so a small file
that unpacks to gigabytes is refused. An old Excel workbook (Excel 97-2003, the container
older desk tools and official statistics still export) is read with xlrd; which kind a file
is, is told by its content, not its name.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from verifier.errors import InputError
from verifier.zipped import OLE2, check_unpacked, unpacked_size

log = logging.getLogger(__name__)


def read_workbook_rows(
    path: Path, data: bytes, max_bytes: int = 0, wanted: str | None = None
) -> tuple[list[str], list[tuple[int, dict[str, object]]]]:
    """The header of a sheet of the workbook ``data`` (read from ``path``; column names
    lower-cased and stripped, blank ones left out) and its rows as ``(row number, {column:
    text})``; blank rows skipped, cells under no header ignored. The sheet is the first
    whose header has the column ``wanted`` (a workbook that opens on its instructions), else
    the first; the others are named in a warning. Which columns a caller needs it checks
    itself (:func:`verifier.readers.read_table`). ``max_bytes`` (the file-size limit) bounds
    what the workbook may unpack to (:data:`~verifier.zipped.UNPACKED_FACTOR` times it).

    Raises:
        InputError: not a workbook, password-protected, damaged, unpacking to too much, or
            an empty first sheet.
    """
    if data.startswith(OLE2):  # the container of .xls
        return _read_xls(path, data, wanted)
    _check_unpacked(path, data, max_bytes)
    from openpyxl import load_workbook  # a second or so to import; only for workbooks

    book = None
    try:
        with warnings.catch_warnings():  # "no default style" and the like: nothing to act on
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheets = book.worksheets
            # A read-only sheet is parsed as its rows are read: damage shows up here too.

            def rows(index: int) -> Iterator[tuple[object, ...]]:
                return sheets[index].iter_rows(values_only=True)

            return _records(path, rows(_choose(path, [s.title for s in sheets], wanted, rows)))
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


def _choose(
    path: Path,
    names: list[str],
    wanted: str | None,
    rows: Callable[[int], Iterator[tuple[object, ...]]],
) -> int:
    """Which of the sheets ``names`` to read: the first whose header (its first non-empty
    row) has the column ``wanted``, else the first. A workbook of several sheets is named in
    a warning, with those not read."""
    chosen = 0
    if wanted and len(names) > 1:
        chosen = next((i for i in range(len(names)) if wanted in _header(rows(i))), 0)
    _note_other_sheets(path, names, chosen, wanted)
    return chosen


def _header(values: Iterator[tuple[object, ...]]) -> list[str]:
    """The column names of a sheet's first non-empty row (lower-cased, blank where a cell
    is), read from ``values`` up to that row; empty for an empty sheet."""
    for cells in values:
        texts = [_cell_text(value).lower() for value in cells]
        if any(texts):
            return texts
    return []


def _read_xls(
    path: Path, data: bytes, wanted: str | None = None
) -> tuple[list[str], list[tuple[int, dict[str, object]]]]:
    """:func:`read_workbook_rows` of an old Excel workbook (BIFF8), read with xlrd."""
    import xlrd  # only for old workbooks

    try:
        # xlrd's notes on the file's layout go to the logfile, not the terminal; rows are
        # kept as long as their cells, not padded to the widest (a damaged size record).
        book = xlrd.open_workbook(
            file_contents=data, on_demand=True, ragged_rows=True, logfile=io.StringIO()
        )
        try:

            def rows(index: int) -> Iterator[tuple[object, ...]]:
                sheet = book.sheet_by_index(index)
                return (
                    tuple(_xls_value(cell, book.datemode) for cell in sheet.row(number))
                    for number in range(sheet.nrows)
                )

            return _records(path, rows(_choose(path, book.sheet_names(), wanted, rows)))
        finally:
            book.release_resources()
    except InputError:
        raise
    except Exception as error:  # xlrd raises many kinds for damage
        reason = str(error).lower()
        if "encrypted" in reason or _encrypted_package(data):  # an .xls, or a new workbook
            raise InputError(
                f"{path}: the workbook is protected by a password; open it, remove the "
                "password and save it as .xlsx or .csv"
            ) from None
        if "can't find workbook" in reason:
            raise InputError(
                f"{path}: an Office file of the older kind that holds no workbook (a Word "
                "file?); save the table as .xlsx or .csv"
            ) from None
        raise InputError(
            f"{path}: not a readable Excel workbook ({type(error).__name__}); open it in a "
            "spreadsheet and save it again as .xlsx, or as .csv"
        ) from None


def _note_other_sheets(
    path: Path, names: list[str], chosen: int = 0, wanted: str | None = None, most: int = 4
) -> None:
    """Warn that only the sheet ``chosen`` of ``names`` is read, naming the others: rows a
    desk put on a second sheet (a week's tips each) would otherwise go unread unseen."""
    if len(names) < 2:
        return
    rest = [name for i, name in enumerate(names) if i != chosen]
    others = ", ".join(repr(name) for name in rest[:most])
    if len(rest) > most:
        others += f" and {len(rest) - most} more"
    which = (
        f"the first sheet, {names[0]!r}"
        if chosen == 0
        else f"the sheet {names[chosen]!r}, the first with a {wanted!r} column"
    )
    log.warning(
        "%s: read %s, of %d; not %s: move their rows onto it, or save each sheet as a file "
        "of its own",
        path,
        which,
        len(names),
        others,
    )


def _encrypted_package(data: bytes) -> bool:
    """Whether the compound file ``data`` holds a new Office file encrypted by a password
    (its ``EncryptedPackage`` stream), not an old workbook."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return bool(ole.exists("EncryptedPackage"))
    except Exception:  # not a compound file olefile reads: no package in it
        return False


def _xls_value(cell: Any, datemode: int) -> object:
    """An old workbook's cell as openpyxl gives a new one's: a date a datetime, a
    true/false a bool, an error its text (``#N/A``)."""
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            if cell.value < 0:  # (xlrd would give a day of 1899, which Excel never shows)
                raise xlrd.xldate.XLDateNegative(cell.value)
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value  # a number out of a date's range: shown as the number
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    return cell.value if cell.ctype in (xlrd.XL_CELL_TEXT, xlrd.XL_CELL_NUMBER) else None


def _records(
    path: Path, values: Iterator[tuple[object, ...]]
) -> tuple[list[str], list[tuple[int, dict[str, object]]]]:
    rows = enumerate(values, start=1)
    header = _header(cells for _, cells in rows)  # the rows after it are read on below
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
        raise InputError(
            f"{path}: not an Excel (.xlsx or .xls) workbook; open it in a spreadsheet and "
            "save it as .xlsx or .csv"
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
