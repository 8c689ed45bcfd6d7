"""Read the user's files safely: text of any encoding, CSV and JSON Lines rows, claim lists.

Every reader refuses bad input with one line that names the file (and line) and what to do:
empty, over-size, binary (PDF, images, NUL bytes) or undecodable files, malformed CSV or
JSON, a missing required column. Source documents are built from these in
:mod:`verifier.sources`; claims for bulk scoring are read here by :func:`read_claims`.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from verifier.errors import InputError
from verifier.labels import Label

log = logging.getLogger(__name__)

CLAIM_SUFFIXES = (".txt", ".csv", ".jsonl")

_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_BINARY_MAGIC = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a ZIP/Office document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}


def read_text_file(path: Path, max_bytes: int) -> str:
    """Decoded text of ``path``, refusing empty, huge, binary and undecodable files.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such; anything else is
    decoded with the encoding charset-normalizer detects, and a warning names it.

    Raises:
        InputError: the file is empty, larger than ``max_bytes``, binary, or undecodable.
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path}: file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit; "
            "split it or raise VERIFIER_MAX_FILE_MB"
        )
    data = path.read_bytes()
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
            if _UTF8_MULTIBYTE.search(data):
                # Some valid UTF-8 and some not: pieces pasted from differently encoded files.
                raise InputError(
                    f"{path}: mixes encodings (invalid UTF-8 at byte {error.start}); "
                    "re-save it as UTF-8"
                ) from None
            guess = from_bytes(data).best()
            if guess is None or guess.encoding is None:
                raise InputError(
                    f"{path}: not text (binary data or an unknown encoding); save it as UTF-8 text"
                ) from None
            log.warning("%s: not UTF-8, read as %s", path, guess.encoding)
            text = _decode(path, data, guess.encoding)
    if _looks_binary(text.encode("utf-8", "replace")):
        raise InputError(f"{path}: binary file, not text; export it as .txt or .html")
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(data: bytes) -> bool:
    """More control characters (other than tab, newlines, form feed) than text has."""
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls > max(8, len(data) // 100)


def _decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(f"{path}: cannot be decoded as {encoding}; re-save it as UTF-8") from None


def read_csv_rows(path: Path, raw: str, required: str) -> list[tuple[int, dict[str, object]]]:
    """Rows of a CSV file as ``(line number, {column: value})``; column names lower-cased.

    Raises:
        InputError: malformed CSV (unclosed quote, a row with more or fewer fields than the
            header), or no ``required`` column.
    """
    reader = csv.reader(io.StringIO(raw, newline=""), strict=True)
    try:
        header = [column.strip().lower() for column in next(reader)]
        if required not in header:
            raise InputError(
                f"{path}: no '{required}' column (found: {', '.join(header)}); "
                f"add a '{required}' column"
            )
        rows = []
        for record in reader:
            if not any(field.strip() for field in record):
                continue
            if len(record) != len(header):
                raise InputError(
                    f"{path}:{reader.line_num}: {len(record)} fields where the header has "
                    f"{len(header)}; quote values that contain commas"
                )
            rows.append((reader.line_num, dict[str, object](zip(header, record))))
    except csv.Error as error:
        raise InputError(
            f"{path}:{reader.line_num}: malformed CSV ({error}); check the quotes on that line"
        ) from None
    return rows


def read_jsonl_rows(path: Path, raw: str, required: str) -> list[tuple[int, dict[str, object]]]:
    """Objects of a JSON Lines file as ``(line number, object)``; blank lines skipped.

    Raises:
        InputError: a line is not JSON, not an object, or lacks a ``required`` string.
    """
    rows = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}:{number}: not valid JSON ({error.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get(required), str):
            raise InputError(
                f"{path}:{number}: each line must be an object with a '{required}' string"
            )
        rows.append((number, record))
    return rows


@dataclass
class ClaimRows:
    """Claim texts in input order, with each row's other fields (carried to the output)."""

    texts: list[str] = field(default_factory=list)
    extras: list[dict[str, object]] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return len(self.texts) - len(set(self.texts))


def read_claims(path: Path, max_bytes: int) -> ClaimRows:
    """Claims for bulk scoring: ``.txt`` (one per line), ``.csv`` (column ``claim``) or
    ``.jsonl`` (field ``claim``).

    Raises:
        InputError: unsupported type, empty, malformed, missing ``claim`` column/field.
    """
    suffix = path.suffix.lower()
    if suffix not in CLAIM_SUFFIXES:
        raise InputError(
            f"{path}: claims must be in {', '.join(CLAIM_SUFFIXES)}, not {suffix or '(none)'}"
        )
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    raw = read_text_file(path, max_bytes)
    rows = ClaimRows()
    if suffix == ".txt":
        rows.texts = [line.strip() for line in raw.splitlines() if line.strip()]
        rows.extras = [{} for _ in rows.texts]
    else:
        reader = read_csv_rows if suffix == ".csv" else read_jsonl_rows
        for _number, record in reader(path, raw, "claim"):
            text = str(record.pop("claim")).strip()
            if text:
                rows.texts.append(text)
                rows.extras.append(record)
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


def read_reviews(path: Path, max_bytes: int) -> list[ReviewRow]:
    """Verdicts from a CSV file with columns ``claim_id``, ``verdict``, ``reviewer`` and,
    optionally, ``note`` and ``evidence`` (passage ids separated by spaces or semicolons).

    Every row is checked before any is returned, so a bad row stops the import before
    anything is written.

    Raises:
        InputError: not a CSV, malformed, a missing column, or a row with a bad claim id,
            verdict, reviewer or evidence id (the message names the line).
    """
    if path.suffix.lower() != ".csv":
        raise InputError(f"{path}: verdicts are imported from a .csv file")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    records = read_csv_rows(path, read_text_file(path, max_bytes), "claim_id")
    if records and (missing := [c for c in ("verdict", "reviewer") if c not in records[0][1]]):
        raise InputError(
            f"{path}: no '{missing[0]}' column; columns are claim_id, verdict, "
            "reviewer and optionally note, evidence"
        )
    rows = []
    for line, record in records:
        where = f"{path}:{line}"
        try:
            claim_id = int(str(record["claim_id"]).strip())
        except ValueError:
            raise InputError(f"{where}: claim_id {record['claim_id']!r} is not a number") from None
        try:
            verdict = Label.parse(record["verdict"])
        except InputError as error:
            raise InputError(f"{where}: {error}") from None
        reviewer = str(record["reviewer"]).strip()
        if not reviewer:
            raise InputError(f"{where}: no reviewer; every verdict needs the name of who decided")
        pieces = re.split(r"[\s;,]+", str(record.get("evidence") or "").strip())
        try:
            evidence = tuple(int(p) for p in pieces if p)
        except ValueError:
            raise InputError(
                f"{where}: evidence must be passage ids, not {record['evidence']!r}"
            ) from None
        note = str(record.get("note") or "").strip() or None
        rows.append(ReviewRow(line, claim_id, verdict, reviewer, note, evidence))
    if not rows:
        raise InputError(f"{path}: holds no verdicts")
    return rows
