"""Write records as JSON Lines, CSV, Excel or Parquet: streamed, atomically (temporary file,
then rename), spreadsheet-safe.

Records are written as they come, so a file of any length takes the memory of one batch
(Parquet: one row group). CSV and Excel get nested values (the evidence list) as a JSON
column, and every text cell that a spreadsheet would run as a formula (one starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with ``'`` so it shows as
text: a source cannot plant ``=HYPERLINK(...)`` in a desk's spreadsheet.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from verifier.export.formats import atomic_output, check_output
from verifier.text import FORMULA_START

_ROW_GROUP = 5_000
_XLSX_MAX_CELL = 32_767  # Excel's limit on one cell's text

Record = dict[str, object]


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet cell: nested values as JSON, formula-like text made inert."""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_records(
    records: Iterable[Record],
    path: Path,
    *,
    columns: Sequence[str] | None = None,
    flatten: Callable[[Record], Record] | None = None,
    schema: pa.Schema | None = None,
) -> int:
    """Write ``records`` to ``path`` in the format its extension names. Returns the count.

    Args:
        columns: CSV/Excel columns, in order (after ``flatten``); the first record's keys when
            ``None``.
        flatten: turns a record into a spreadsheet row (CSV and Excel only).
        schema: Parquet schema; inferred from the first row group when ``None``.
    """
    check_output(path)
    suffix = path.suffix.lower()
    with atomic_output(path) as tmp:
        if suffix == ".jsonl":
            return _jsonl(records, tmp)
        if suffix == ".parquet":
            return _parquet(records, tmp, schema)
        rows = (flatten(r) for r in records) if flatten else iter(records)
        if suffix == ".csv":
            return _csv(rows, tmp, columns)
        return _xlsx(rows, tmp, columns)


def _jsonl(records: Iterable[Record], tmp: Path) -> int:
    count = 0
    with open(tmp, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def _header(
    rows: Iterator[Record], columns: Sequence[str] | None
) -> tuple[list[str], list[Record]]:
    first = list(islice(rows, 1))
    names = list(columns) if columns is not None else list(first[0]) if first else []
    return names, first


def _csv(rows: Iterator[Record], tmp: Path, columns: Sequence[str] | None) -> int:
    names, first = _header(rows, columns)
    count = 0
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        for row in _chain(first, rows):
            writer.writerow([_csv_value(safe_cell(row.get(name))) for name in names])
            count += 1
    return count


def _csv_value(value: object) -> object:
    return "" if value is None else value


def _xlsx(rows: Iterator[Record], tmp: Path, columns: Sequence[str] | None) -> int:
    import xlsxwriter

    names, first = _header(rows, columns)
    # constant_memory streams rows to disk; strings are never turned into formulas or links.
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(str(tmp), options)
    sheet = book.add_worksheet("report")
    bold = book.add_format({"bold": True})
    for col, name in enumerate(names):
        sheet.write_string(0, col, name, bold)
    count = 0
    for count, row in enumerate(_chain(first, rows), start=1):
        for col, name in enumerate(names):
            value = safe_cell(row.get(name))
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(count, col, value[:_XLSX_MAX_CELL])
            elif isinstance(value, bool):
                sheet.write_boolean(count, col, value)
            else:
                sheet.write_number(count, col, value)  # type: ignore[arg-type]
    sheet.freeze_panes(1, 0)
    book.close()
    return count


def _parquet(records: Iterable[Record], tmp: Path, schema: pa.Schema | None) -> int:
    stream = iter(records)
    writer: pq.ParquetWriter | None = None
    count = 0
    try:
        while batch := list(islice(stream, _ROW_GROUP)):
            table = pa.Table.from_pylist(batch, schema=schema)
            if writer is None:
                writer = pq.ParquetWriter(tmp, table.schema)
            writer.write_table(table)
            count += len(batch)
        if writer is None:  # no records: an empty file with the schema, if known
            pq.write_table(pa.Table.from_pylist([], schema=schema or pa.schema([])), tmp)
    finally:
        if writer is not None:
            writer.close()
    return count


def _chain(first: list[Record], rest: Iterator[Record]) -> Iterator[Record]:
    yield from first
    yield from rest
