"""Read claims for bulk scoring and write the scored results.

Input: ``.txt`` (one claim per line), ``.csv`` (column ``claim``) or ``.jsonl`` (field
``claim``). Other columns/fields of a row (an ``id``, say) are carried through to the output.
Output by extension: ``.jsonl``, ``.csv`` (evidence as a JSON column plus the top match
spelled out) or ``.parquet`` (evidence as a nested list). The output is written to a temporary
file and renamed into place, so a failed run never leaves a half-written file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from verifier.errors import InputError
from verifier.sources import read_csv_rows, read_jsonl_rows, read_text_file

INPUT_SUFFIXES = (".txt", ".csv", ".jsonl")
OUTPUT_SUFFIXES = (".jsonl", ".csv", ".parquet")


@dataclass
class ClaimRows:
    """Claim texts in input order, with each row's other fields."""

    texts: list[str] = field(default_factory=list)
    extras: list[dict[str, object]] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return len(self.texts) - len(set(self.texts))


def read_claims(path: Path, max_bytes: int) -> ClaimRows:
    """Claims from ``path``.

    Raises:
        InputError: unsupported type, empty, malformed, missing ``claim`` column/field.
    """
    suffix = path.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise InputError(
            f"{path}: claims must be in {', '.join(INPUT_SUFFIXES)}, not {suffix or '(none)'}"
        )
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    raw = read_text_file(path, max_bytes)
    rows = ClaimRows()
    if suffix == ".txt":
        rows.texts = [line.strip() for line in raw.splitlines() if line.strip()]
        rows.extras = [{} for _ in rows.texts]
    elif suffix == ".csv":
        _add_rows(rows, read_csv_rows(path, raw, "claim"))
    else:
        _add_rows(rows, read_jsonl_rows(path, raw, "claim"))
    if not rows.texts:
        raise InputError(f"{path}: holds no claims")
    return rows


def _add_rows(rows: ClaimRows, records: list[tuple[int, dict[str, object]]]) -> None:
    for _number, record in records:
        text = str(record.pop("claim")).strip()
        if text:
            rows.texts.append(text)
            rows.extras.append(record)


def check_output(path: Path) -> None:
    """Refuse an output path before any work is done.

    Raises:
        InputError: unsupported extension, or the folder does not exist.
    """
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        allowed = ", ".join(OUTPUT_SUFFIXES)
        raise InputError(f"{path}: output must end in {allowed}, not {path.suffix or '(none)'}")
    if not path.parent.resolve().is_dir():
        raise InputError(f"{path}: folder {path.parent} does not exist")


def _flat(record: dict[str, object]) -> dict[str, object]:
    """A record for CSV: evidence as a JSON column, the best match spelled out."""
    evidence: list[dict[str, object]] = record["evidence"]  # type: ignore[assignment]
    top = evidence[0] if evidence else {}
    flat = {key: value for key, value in record.items() if key != "evidence"}
    flat.update(top_uri=top.get("uri"), top_score=top.get("score"), top_text=top.get("text"))
    flat["evidence"] = json.dumps(evidence, ensure_ascii=False)
    return flat


def write_results(records: Sequence[dict[str, object]], path: Path) -> None:
    """Write ``records`` to ``path`` in the format its extension names, atomically."""
    check_output(path)
    suffix = path.suffix.lower()
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        if suffix == ".jsonl":
            with open(tmp, "w", encoding="utf-8") as out:
                for record in records:
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif suffix == ".csv":
            pd.DataFrame([_flat(r) for r in records]).to_csv(tmp, index=False)
        else:
            pq.write_table(pa.Table.from_pylist(list(records)), tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
