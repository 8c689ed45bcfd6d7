"""Write records as JSON Lines, CSV or Parquet, atomically (temporary file, then rename).

CSV gets the nested evidence as a JSON column plus the best match spelled out (``top_uri``,
``top_score``, ``top_text``); Parquet keeps it as a nested list.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from verifier.errors import InputError

OUTPUT_SUFFIXES = (".jsonl", ".csv", ".parquet")


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


def write_records(records: Sequence[dict[str, object]], path: Path) -> None:
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
