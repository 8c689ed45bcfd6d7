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

from verifier.errors import InputError
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
    """Row groups of :data:`_ROW_GROUP` records under one schema: ``schema``, else the
    first row group's, with fields it holds no value for typed as text
    (:func:`_settled`), so a field empty in the first 5,000 records and filled later
    (an outlet label, a date) still fits."""
    stream = iter(records)
    writer: pq.ParquetWriter | None = None
    count = 0
    try:
        while batch := list(islice(stream, _ROW_GROUP)):
            if schema is None:
                schema = _settled(pa.Table.from_pylist(batch).schema)
            table = _table(batch, schema, count)
            if writer is None:
                writer = pq.ParquetWriter(tmp, schema)
            writer.write_table(table)
            count += len(batch)
        if writer is None:  # no records: an empty file with the schema, if known
            pq.write_table(pa.Table.from_pylist([], schema=schema or pa.schema([])), tmp)
    finally:
        if writer is not None:
            writer.close()
    return count


def _settled(schema: pa.Schema) -> pa.Schema:
    """``schema`` with every field of no known type (all values null so far) typed as text."""
    return pa.schema([field.with_type(_settled_type(field.type)) for field in schema])


def _settled_type(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_null(kind):
        return pa.string()
    if pa.types.is_list(kind):
        return pa.list_(_settled_type(kind.value_type))
    if pa.types.is_struct(kind):
        return pa.struct([field.with_type(_settled_type(field.type)) for field in kind])
    return kind


def _table(batch: list[Record], schema: pa.Schema, start: int) -> pa.Table:
    """``batch`` as a table of ``schema``; a value of another kind where text is expected
    (a number in a column empty until then) is written as text.

    Raises:
        InputError: a record has a field the schema lacks, or a value that fits no way.
    """
    known = set(schema.names)
    for offset, record in enumerate(batch, start=start + 1):
        if extra := sorted(set(record) - known):
            raise InputError(
                f"record {offset:,} has field(s) {', '.join(map(repr, extra))} that the records "
                "before it lack, and a Parquet file has one set of columns, set by its first "
                f"{_ROW_GROUP:,} records; write .jsonl, which keeps every record as it is"
            )
    try:
        return pa.Table.from_pylist(batch, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        pass
    try:
        fitted = [
            {field.name: _fit(record.get(field.name), field.type) for field in schema}
            for record in batch
        ]
        return pa.Table.from_pylist(fitted, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as error:
        raise InputError(
            f"records {start + 1:,}-{start + len(batch):,} do not fit the columns the first "
            f"records set ({error}); write .jsonl, which keeps every record as it is"
        ) from None


def _fit(value: object, kind: pa.DataType) -> object:
    """``value`` made to fit ``kind`` where text is expected: a number or a list as text."""
    if value is None:
        return None
    if pa.types.is_string(kind) and not isinstance(value, str):
        return (
            json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else str(value)
        )
    if pa.types.is_list(kind) and isinstance(value, list):
        return [_fit(item, kind.value_type) for item in value]
    if pa.types.is_struct(kind) and isinstance(value, dict):
        return {field.name: _fit(value.get(field.name), field.type) for field in kind}
    return value


def _chain(first: list[Record], rest: Iterator[Record]) -> Iterator[Record]:
    yield from first
    yield from rest
