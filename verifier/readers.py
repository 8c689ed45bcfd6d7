"""Read the user's files safely: text of any encoding, rows of CSV, JSON Lines and Excel
files (:mod:`verifier.spreadsheets`), claim lists.

Every reader refuses bad input with one line that names the file (and line) and what to do:
empty, over-size, binary (PDF, images, NUL bytes) or undecodable files, malformed CSV or
JSON, a damaged workbook, a missing required column. Source documents are built from these in
:mod:`verifier.sources`; claims for bulk scoring are read here by :func:`read_claims`.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from verifier.errors import InputError
from verifier.labels import Label
from verifier.spreadsheets import read_workbook_rows
from verifier.text import as_written

log = logging.getLogger(__name__)

#: Files of rows: one document, claim, verdict or labelled sentence per row.
#: Excel workbooks: new (``.xlsx``) and old (``.xls``), told apart by content.
WORKBOOK_SUFFIXES = (".xlsx", ".xls")
TABLE_SUFFIXES = (".csv", ".jsonl", *WORKBOOK_SUFFIXES)
CLAIM_SUFFIXES = (".txt", *TABLE_SUFFIXES)

_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
#: Two detected encodings are alike when their mess (chaos) and language coherence differ by
#: less than these; alike encodings that read the bytes differently make detection unclear.
_CHAOS_MARGIN = 0.05
_COHERENCE_MARGIN = 0.1
#: Lists and objects nested deeper than this in a JSON line are refused.
MAX_JSON_DEPTH = 16
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_BINARY_MAGIC = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a ZIP/Office document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}


#: How a refusal asks for a file's encoding; the app names its own field there instead
#: (:func:`verifier.pipeline._as_uploaded`).
ENCODING_OPTION = "--encoding"


def read_text_file(path: Path, max_bytes: int, encoding: str | None = None) -> str:
    """Decoded text of ``path``, refusing what is not a regular file, and empty, huge,
    binary and undecodable files.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such; ``encoding``, when
    given, is used for anything else. Otherwise the encoding charset-normalizer detects is
    used only when it is clear: every encoding about as likely reads the bytes the same way.
    When two likely encodings disagree (a short Windows-1252 text reads as well as
    Windows-1250), the file is refused with the candidates, asking for ``--encoding``.
    Lines end at ``\n`` or ``\r\n`` only; other separators stay in the text.

    Raises:
        InputError: the file is not a regular file, is empty, larger than ``max_bytes``,
            binary, or of an unclear or wrong encoding.
    """
    return decode_text(path, _read_regular(path, max_bytes), encoding)


def decode_text(path: Path | str, data: bytes, encoding: str | None = None) -> str:
    """``data`` read from ``path`` (a file, or a web address) decoded as
    :func:`read_text_file` decodes a file's bytes.

    Raises:
        InputError: empty, binary, or of an unclear or wrong encoding.
    """
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"{path}: this is {kind}, not text; export it as .txt or .html")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decode(path, data, "utf-16")
    elif b"\x00" in data[:8192] or _looks_binary(data):
        raise InputError(f"{path}: binary file, not text; export it as .txt or .html")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            if encoding:
                text = _decode(path, data, encoding)
            elif _UTF8_MULTIBYTE.search(data):
                # Some valid UTF-8 and some not: pieces pasted from differently encoded files.
                raise InputError(
                    f"{path}: mixes encodings (invalid UTF-8 at byte {error.start}); "
                    "re-save it as UTF-8"
                ) from None
            else:
                text = _decode(path, data, _detected(path, data))
    if _looks_binary(text.encode("utf-8", "replace")):
        raise InputError(f"{path}: binary file, not text; export it as .txt or .html")
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    return text.replace("\r\n", "\n")


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of a file that is not text (a PDF), with the checks of
    :func:`read_text_file`: a regular file, not empty, at most ``max_bytes``.

    Raises:
        InputError: not a regular file, empty or too large.
    """
    data = _read_regular(path, max_bytes)
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    return data


def _read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes``; a pipe, a
    device (``/dev/zero``) or a folder is refused before anything is read, and no more than
    ``max_bytes`` are ever read (a file growing meanwhile is refused too)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block here
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise InputError(f"{path}: not a regular file (a folder, pipe or device); give a file")
    with os.fdopen(descriptor, "rb") as handle:
        if info.st_size > max_bytes:
            raise _too_large(path, info.st_size, max_bytes)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(path, len(data), max_bytes)
    return data


def _too_large(path: Path, size: int, max_bytes: int) -> InputError:
    return InputError(
        f"{path}: file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit; "
        "split it or raise VERIFIER_MAX_FILE_MB"
    )


def _detected(path: Path | str, data: bytes) -> str:
    """The encoding of non-UTF-8 ``data`` when detection is clear (see read_text_file).

    Raises:
        InputError: nothing fits, or likely encodings read the bytes differently.
    """
    matches = list(from_bytes(data))[:8]
    if not matches or matches[0].encoding is None:
        raise InputError(
            f"{path}: not text (binary data or an unknown encoding); save it as UTF-8 text"
        )
    best = matches[0]
    reading = str(best)
    rivals = [
        m.encoding
        for m in matches[1:]
        if m.chaos <= best.chaos + _CHAOS_MARGIN
        and m.coherence >= best.coherence - _COHERENCE_MARGIN
        and str(m) != reading
    ]
    if rivals:
        names = ", ".join(dict.fromkeys([best.encoding, *rivals]))
        raise InputError(
            f"{path}: not UTF-8, and its encoding is unclear (it reads as {names}, each "
            f"differently); give its encoding with {ENCODING_OPTION} (e.g. cp1252 for Windows "
            "Western European, cp1251 for Cyrillic) or re-save the file as UTF-8"
        )
    log.warning("%s: not UTF-8, read as %s", path, best.encoding)
    return best.encoding


def _looks_binary(data: bytes) -> bool:
    """More control characters (other than tab, newlines, form feed) than text has."""
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls > max(8, len(data) // 100)


def _decode(path: Path | str, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(
            f"{path}: cannot be decoded as {encoding}; give the right encoding with "
            f"{ENCODING_OPTION} or re-save it as UTF-8"
        ) from None


#: The field delimiters a CSV file may use, most usual first, with their names in messages.
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "'|'"}


def csv_delimiter(raw: str) -> str:
    """The delimiter of a CSV file's text: of :data:`DELIMITER_NAMES`, the one its header
    line (outside quotes) holds most often; a comma when it holds none (one column) or on
    a tie."""
    header = raw.split("\n", 1)[0]
    unquoted = "".join(header.split('"')[::2])
    counts = {delimiter: unquoted.count(delimiter) for delimiter in DELIMITER_NAMES}
    best = max(counts, key=lambda delimiter: counts[delimiter])  # the first on a tie
    return best if counts[best] else ","


def read_csv_rows(
    path: Path, raw: str, required: str, hint: str | None = None
) -> list[tuple[int, dict[str, object]]]:
    """Rows of a CSV file as ``(line number, {column: value})``; column names lower-cased,
    values trimmed.
    The delimiter is the one the header line uses (:func:`csv_delimiter`): a spreadsheet
    saved as CSV where the decimal mark is a comma separates fields with semicolons.
    ``hint`` is what to do when the ``required`` column is missing (by default: add it).

    Raises:
        InputError: malformed CSV (unclosed quote, a row with more or fewer fields than the
            header), or no ``required`` column.
    """
    delimiter = csv_delimiter(raw)
    reader = csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [column.strip().lower() for column in next(reader)]
        if required not in header:
            raise _missing_column(path, required, header, hint)
        rows = []
        for record in reader:
            if not any(field.strip() for field in record):
                continue
            if len(record) != len(header):
                raise InputError(
                    f"{path}:{reader.line_num}: {len(record)} fields where the header has "
                    f"{len(header)}; quote values that contain {DELIMITER_NAMES[delimiter]}"
                )
            # Values trimmed as a spreadsheet's cells are (spreadsheets._cell_text).
            values = (field.strip() for field in record)
            rows.append((reader.line_num, dict[str, object](zip(header, values))))
    except csv.Error as error:
        raise InputError(
            f"{path}:{reader.line_num}: malformed CSV ({error}); check the quotes on that line"
        ) from None
    return rows


def read_jsonl_rows(
    path: Path, raw: str, required: str, hint: str | None = None
) -> list[tuple[int, dict[str, object]]]:
    """Objects of a JSON Lines file as ``(line number, object)``; blank lines skipped.
    ``hint`` is added to the message of a line without the ``required`` string.

    Raises:
        InputError: a line is not JSON, not an object, or lacks a ``required`` string.
    """
    rows = []
    for number, line in enumerate(raw.split("\n"), start=1):  # U+2028 may be in a string
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}:{number}: not valid JSON ({error.msg})") from None
        except RecursionError:
            record = None  # nested past Python's own limit: refused below
        if record is None or _depth(record) > MAX_JSON_DEPTH:
            raise InputError(
                f"{path}:{number}: nested more than {MAX_JSON_DEPTH} levels deep; "
                "flatten the record"
            )
        if isinstance(record, dict) and not isinstance(record.get(required, ""), str):
            raise InputError(
                f"{path}:{number}: '{required}' is {_json_kind(record[required])}, not text; "
                "write it in quotes"
            )
        if not isinstance(record, dict) or not isinstance(record.get(required), str):
            found = f" (found: {_field_names(list(record))})" if isinstance(record, dict) else ""
            raise InputError(
                f"{path}:{number}: each line must be an object with a '{required}' string"
                + (f"{found}; {hint}" if hint else found)
            )
        rows.append((number, record))
    return rows


def _json_kind(value: object) -> str:
    """What a JSON value is, in a message: ``a number (5)``, ``a list ([1, 2])``..."""
    if value is None:
        return "null"
    kinds = ((bool, "true or false"), (int, "a number"), (float, "a number"), (list, "a list"))
    kind = next((name for type_, name in kinds if isinstance(value, type_)), "an object")
    return f"{kind} ({json.dumps(value)[:40]})"


def read_table(
    path: Path, max_bytes: int, encoding: str | None, column: str, hint: str | None = None
) -> list[tuple[int, dict[str, object]]]:
    """Rows of a ``.csv``, ``.jsonl`` or Excel file (:data:`TABLE_SUFFIXES`, by its suffix)
    that hold ``column``, read with the checks of :func:`read_text_file` (an Excel
    workbook: :func:`verifier.spreadsheets.read_workbook_rows`).

    Raises:
        InputError: as the reader of that suffix.
    """
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        return read_table_rows(path, read_text_file(path, max_bytes, encoding), column, hint)
    data = _read_regular(path, max_bytes)
    if not data:
        raise InputError(f"{path}: file is empty")
    header = column.strip().lower()
    names, rows = read_workbook_rows(path, data, max_bytes, header)
    if header not in names:
        raise _missing_column(path, header, names, hint)
    return _keyed_as_given(rows, header, column)


def read_table_rows(
    path: Path, raw: str, column: str, hint: str | None = None
) -> list[tuple[int, dict[str, object]]]:
    """Rows of a ``.csv`` (:func:`read_csv_rows`) or ``.jsonl`` file (:func:`read_jsonl_rows`),
    by its suffix, that hold ``column``. A CSV header is matched case-insensitively, and the
    ``column`` is keyed as given (the other columns lower-cased).

    Raises:
        InputError: as the reader of that suffix.
    """
    if path.suffix.lower() != ".csv":
        return read_jsonl_rows(path, raw, column, hint)
    header = column.strip().lower()
    return _keyed_as_given(read_csv_rows(path, raw, header, hint), header, column)


def _keyed_as_given(
    rows: list[tuple[int, dict[str, object]]], header: str, column: str
) -> list[tuple[int, dict[str, object]]]:
    """``rows`` with the value under the lower-cased ``header`` keyed as ``column``."""
    if header != column:
        for _, record in rows:
            record[column] = record.pop(header)
    return rows


def _missing_column(
    path: Path, required: str, names: Sequence[str], hint: str | None
) -> InputError:
    """The error for a table (CSV or workbook) without its ``required`` column: the columns
    it has, and ``hint`` (by default: add the column)."""
    return InputError(
        f"{path}: no '{required}' column (found: {_field_names(names)}); "
        f"{hint or f'add a {required!r} column'}"
    )


def _field_names(names: Sequence[str], most: int = 10) -> str:
    """The first ``most`` column or field ``names`` for a one-line message: each made one
    line (a name may hold a line break), cut at 40 characters, ``(blank)`` when empty."""
    shown = [claim_text(name)[:40] or "(blank)" for name in names[:most]]
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return (", ".join(shown) or "no fields") + more


def _depth(value: object) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), without recursing."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level + 1)
            if deepest > MAX_JSON_DEPTH:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def claim_text(raw: object) -> str:
    """A claim as one line: every kind of whitespace and line separator (U+2028, NEL,
    vertical tab, form feed...) is one space, other control characters are dropped."""
    return " ".join(_CONTROL_CHARS.sub("", str(raw)).split())


@dataclass
class ClaimRows:
    """Claim texts in input order, with each row's other fields (carried to the output) and
    where it was: its line in a ``.txt``, ``.csv`` or ``.jsonl`` file, its row in a workbook
    (so scored output still lines up with its input when blank rows were skipped)."""

    texts: list[str] = field(default_factory=list)
    extras: list[dict[str, object]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return len(self.texts) - len(set(self.texts))


def read_claims(
    path: Path,
    max_bytes: int,
    encoding: str | None = None,
    column: str = "claim",
    column_field: str = "--column",
) -> ClaimRows:
    """Claims for bulk scoring: ``.txt`` (one per line), ``.csv`` (the ``column`` column,
    matched case-insensitively like every CSV header) or ``.jsonl`` (the ``column`` field).
    Only ``\n`` (or ``\r\n``) ends a line; each claim is made one line by
    :func:`claim_text`; blank lines and rows are skipped.

    ``column_field`` is where the user names the column (an option, a field of the app),
    said in the error when a table lacks it.

    Raises:
        InputError: unsupported type, empty, malformed, missing ``column`` column/field, or
            a claim with no letter or digit in it (the message names its line).
    """
    suffix = path.suffix.lower()
    if suffix not in CLAIM_SUFFIXES:
        raise InputError(
            f"{path}: claims must be in {', '.join(CLAIM_SUFFIXES)}, not {suffix or '(none)'}"
        )
    rows = ClaimRows()
    found: list[tuple[int, object, dict[str, object]]]
    if suffix == ".txt":
        raw = read_text_file(path, max_bytes, encoding)
        found = [(n, line, {}) for n, line in enumerate(raw.split("\n"), start=1)]
    else:
        hint = f"name the column that holds the claims ({column_field}), or add a {column!r} one"
        rows_read = read_table(path, max_bytes, encoding, column, hint)
        found = [(n, record.pop(column), record) for n, record in rows_read]
    for number, raw_text, extra in found:
        text = claim_text(raw_text)
        if not text and not str(raw_text).strip():
            continue
        if not any(char.isalnum() for char in text):
            raise InputError(
                f"{path}:{number}: {str(raw_text)[:40]!r} is not a claim (no letter or digit); "
                "remove that line"
            )
        rows.texts.append(text)
        rows.extras.append(extra)
        rows.rows.append(number)
    if not rows.texts:
        raise InputError(f"{path}: holds no claims")
    return rows


@dataclass(frozen=True)
class ReviewRow:
    """One verdict decided outside the app (a row of ``verifier review --import``)."""

    line: int
    claim_id: int
    verdict: Label
    reviewer: str
    note: str | None
    evidence: tuple[int, ...]
    seen: int | None = None  # a verdict report's ``history_entries``: the history it showed


@dataclass(frozen=True)
class ReviewFile:
    """The verdicts of a file for ``verifier review --import``, and the lines it skipped."""

    rows: list[ReviewRow]
    undecided: list[int]  # lines with no verdict (a claim of a report not yet decided)


def read_reviews(
    path: Path, max_bytes: int, encoding: str | None = None, account: str | None = None
) -> ReviewFile:
    """Verdicts from a CSV or Excel file with columns ``claim_id``, ``verdict``, ``reviewer``
    and, optionally, ``note``, ``evidence`` (passage ids separated by spaces or
    semicolons, or the JSON list of a verdict report's ``evidence``) and ``history_entries``
    (a verdict report's: how many verdict changes the claim had when it was exported). A row
    whose verdict is blank is skipped: a report of every claim (``verifier export --all``),
    filled in a spreadsheet, comes back with the claims nobody decided yet. Given the
    ``account`` that
    imports them (signed in to the app), a row with no reviewer is that account's, and one
    naming anyone else is refused: an account imports its own verdicts.

    Every row is checked before any is returned, so a bad row stops the import before
    anything is written.

    Raises:
        InputError: not a CSV or Excel file, malformed, a missing column, no verdict at all,
            or a row with a bad claim id, verdict, reviewer or evidence id (the message names
            the line).
    """
    if path.suffix.lower() not in (".csv", *WORKBOOK_SUFFIXES):
        raise InputError(f"{path}: verdicts are imported from a .csv, .xlsx or .xls file")
    records = read_table(path, max_bytes, encoding, "claim_id")
    if records and (missing := [c for c in ("verdict", "reviewer") if c not in records[0][1]]):
        raise InputError(
            f"{path}: no '{missing[0]}' column; columns are claim_id, verdict, "
            "reviewer and optionally note, evidence"
        )
    found = ReviewFile([], [])
    for line, record in records:
        where = f"{path}:{line}"
        if not str(record["verdict"]).strip():
            found.undecided.append(line)
            continue
        try:
            claim_id = int(str(record["claim_id"]).strip())
        except ValueError:
            raise InputError(f"{where}: claim_id {record['claim_id']!r} is not a number") from None
        try:
            verdict = Label.parse(record["verdict"])
        except InputError as error:
            raise InputError(f"{where}: {error}") from None
        reviewer = as_written(str(record["reviewer"]).strip()) or (account or "")
        if not reviewer:
            raise InputError(f"{where}: no reviewer; every verdict needs the name of who decided")
        if account is not None and " ".join(reviewer.split()) == account:
            reviewer = account  # as the account holds it, spaces collapsed
        elif account is not None:
            raise InputError(
                f"{where}: the reviewer is {reviewer[:60]!r}, not you ({account}); signed in, "
                "you import your own verdicts (leave the reviewer blank, or give your name)"
            )
        evidence = _evidence_ids(str(record.get("evidence") or ""), where)
        note = as_written(str(record.get("note") or "").strip()) or None
        seen = _history_entries(record.get("history_entries"), where)
        found.rows.append(ReviewRow(line, claim_id, verdict, reviewer, note, evidence, seen))
    if not found.rows:
        undecided = f" ({len(found.undecided)} row(s) without one)" if found.undecided else ""
        raise InputError(f"{path}: holds no verdicts{undecided}")
    return found


def _history_entries(cell: object, where: str) -> int | None:
    """A report's ``history_entries`` cell: a count, or ``None`` when blank (a sheet made by
    hand, or a row added to a report)."""
    text = "" if cell is None else str(cell).strip()
    if not text:
        return None
    try:
        count = float(text)  # a spreadsheet may hold 2 as 2.0
    except ValueError:
        count = -1.0
    if not count.is_integer() or count < 0:
        raise InputError(
            f"{where}: history_entries {text[:20]!r} is not a count; it is what the export "
            "wrote: leave it as exported, or clear it"
        )
    return int(count)


def _evidence_ids(cell: str, where: str) -> tuple[int, ...]:
    """Passage ids: separated by spaces, commas or semicolons, or a verdict report's JSON
    list (of ids, or of passages with their ``passage_id``)."""
    try:
        if cell.lstrip().startswith("["):
            items = json.loads(cell)
            return tuple(
                int(item["passage_id"] if isinstance(item, dict) else item) for item in items
            )
        return tuple(int(piece) for piece in re.split(r"[\s;,]+", cell.strip()) if piece)
    except (ValueError, TypeError, KeyError, RecursionError):
        raise InputError(f"{where}: evidence must be passage ids, not {cell[:60]!r}") from None
