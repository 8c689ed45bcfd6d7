"""The report record is the contract of every claims output; files are written whole or not
at all."""

import json
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from verifier.claim_memory import PAST_CHECK_FIELDS
from verifier.errors import InputError
from verifier.export import (
    CLAIM_FIELDS,
    EVIDENCE_FIELDS,
    ClaimRecord,
    spreadsheet_row,
    write_records,
)
from verifier.export.formats import atomic_output
from verifier.labels import Label
from verifier.match import Provenance, ScoredClaim
from verifier.retrieve import Evidence
from verifier.stance import EvidenceStance, Stance, Suggestion


def scored(claim_id: int | None = None) -> ScoredClaim:
    evidence = [
        Evidence(11, "Latakia lies 100 miles from Aleppo.", 0.912345, "https://a.example/1", "A"),
        Evidence(12, "Latakia is 200 miles away.", 0.7, "/data/b.txt", "B", "Wire", "2015-09-14"),
    ]
    suggestion = Suggestion(
        Label.DISPUTED,
        0.61,
        "'B': different figure",
        [11, 12],
        [EvidenceStance(11, Stance.SUPPORTS), EvidenceStance(12, Stance.REFUTES, "figure")],
    )
    provenance = Provenance("dense:m", "rules", "1")
    return ScoredClaim(
        "Latakia is 100 miles from Aleppo.", suggestion, evidence, provenance, claim_id
    )


def test_the_record_fields_are_pinned() -> None:
    record = ClaimRecord.from_scored(scored(), {"id": 7, "desk": "world"}).to_dict()
    assert list(record) == ["id", "desk", *CLAIM_FIELDS, *PAST_CHECK_FIELDS]
    assert CLAIM_FIELDS == (
        "claim",
        "suggested_verdict",
        "confidence",
        "reason",
        "retriever",
        "stance_model",
        "stance_version",
        "evidence",
    )
    assert EVIDENCE_FIELDS == (
        "text",
        "score",
        "uri",
        "document",
        "passage_id",
        "outlet",
        "outlet_label",
        "date",
        "stance",
        "copy_of",
    )
    assert record["suggested_verdict"] == "disputed" and type(record["suggested_verdict"]) is str
    evidence = record["evidence"]
    assert isinstance(evidence, list)
    assert [list(e) for e in evidence] == [list(EVIDENCE_FIELDS)] * 2
    assert evidence[0]["score"] == 0.9123 and evidence[1]["stance"] == "refutes"
    stored = ClaimRecord.from_scored(scored(claim_id=3)).to_dict()
    assert list(stored)[-1] == "claim_id" and stored["claim_id"] == 3


def test_an_input_field_named_like_an_output_field_is_kept_under_its_own_name() -> None:
    extra = {"claim": "C-12", "confidence": "high", "input_claim": "x", "top_uri": "u", "id": 1}
    record = ClaimRecord.from_scored(scored(claim_id=3), extra).to_dict()
    assert {k: record[k] for k in list(record)[:5]} == {
        "input_input_claim": "C-12",
        "input_confidence": "high",
        "input_claim": "x",
        "input_top_uri": "u",
        "id": 1,
    }
    assert record["claim"] == "Latakia is 100 miles from Aleppo." and record["claim_id"] == 3
    assert record["confidence"] == 0.61
    row = spreadsheet_row(record)
    assert row["input_top_uri"] == "u" and row["top_uri"] == "https://a.example/1"


def test_records_round_trip_through_every_format(tmp_path: Path) -> None:
    records = [ClaimRecord.from_scored(scored(), {"id": i}).to_dict() for i in range(3)]
    write_records(records, tmp_path / "o.jsonl")
    lines = (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records
    write_records(records, tmp_path / "o.csv", flatten=spreadsheet_row)
    frame = pd.read_csv(tmp_path / "o.csv")
    assert frame["top_uri"].tolist() == ["https://a.example/1"] * 3
    assert json.loads(frame["evidence"][0]) == records[0]["evidence"]
    write_records(records, tmp_path / "o.parquet")
    table = pq.read_table(tmp_path / "o.parquet")
    assert table.column_names == ["id", *CLAIM_FIELDS, *PAST_CHECK_FIELDS]
    assert table.to_pylist() == records


def test_a_failed_write_leaves_no_file_and_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    out.write_text("previous run\n")
    with pytest.raises(TypeError):
        write_records([{"claim": "x", "evidence": [], "bad": {1, 2}}], out)
    assert out.read_text() == "previous run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["o.jsonl"]
    with pytest.raises(InputError, match="output must end in"):
        write_records([], tmp_path / "o.xls")


def test_a_write_killed_half_way_leaves_a_temporary_the_next_write_removes(
    tmp_path: Path,
) -> None:
    out = tmp_path / "scored.jsonl"
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal, sys\n"
            "from pathlib import Path\n"
            "from verifier.export.formats import atomic_output\n"
            "with atomic_output(Path(sys.argv[1])) as tmp:\n"
            "    tmp.write_text('half a file')\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n",
            str(out),
        ],
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    (left,) = tmp_path.glob(".scored.jsonl.*.tmp")
    assert not out.exists()
    with atomic_output(out) as tmp:
        tmp.write_text("whole\n")
    assert out.read_text() == "whole\n"
    assert not left.exists() and list(tmp_path.iterdir()) == [out]


def test_parquet_row_groups_take_fields_filled_only_after_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A field empty in the whole first row group (an outlet label, a date) and filled
    later is text, not a type the later groups break; a number there is written as text."""
    from verifier.export import tabular

    monkeypatch.setattr(tabular, "_ROW_GROUP", 3)
    records: list[dict[str, object]] = [
        {"claim": f"c{i}", "ref": None, "evidence": [{"text": "t", "outlet_label": None}]}
        for i in range(3)
    ]
    records.append({"claim": "c3", "ref": 7, "evidence": [{"text": "t", "outlet_label": "wire"}]})
    records.append({"claim": "c4", "ref": "A-9", "evidence": []})
    assert write_records(iter(records), tmp_path / "out.parquet") == 5
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [row["ref"] for row in rows] == [None, None, None, "7", "A-9"]
    assert rows[3]["evidence"] == [{"text": "t", "outlet_label": "wire"}]
    # A field the first records never had: one line, and no file left behind.
    records.append({"claim": "c5", "new": 1, "evidence": []})
    with pytest.raises(InputError, match="record 6 has field.s. 'new' that the records before"):
        write_records(iter(records), tmp_path / "more.parquet")
    assert not (tmp_path / "more.parquet").exists()
