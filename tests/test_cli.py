"""The command line, as a user runs it (CliRunner, and a real subprocess where it matters).

These commands embed with the real model, so the module is marked ``model``.
"""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import served, write
from openpyxl import Workbook

from verifier.cli import cli, reach
from verifier.db.session import head_revision
from verifier.labels import Label
from verifier.stance.trained import RULES_VERSION

pytestmark = pytest.mark.model

UNSEEN = {
    "mod.txt": "The Russian defence ministry said its personnel in Syria were delivering "
    "humanitarian aid and servicing equipment, not building an air base.",
    "aleppo.txt": "Latakia sits roughly 160 kilometres, about 100 miles, from Islamic State "
    "positions near Aleppo.",
    "refugees.txt": "More than 4,000 refugees landed on the Greek island of Lesbos over the "
    "weekend, according to the UN refugee agency.",
    "tower.txt": "New imagery of the airfield shows an air traffic control tower under "
    "construction and fresh concrete for helicopter pads.",
    "peskov.txt": "Dmitry Peskov, the Kremlin spokesman, called talks between Moscow and "
    "Washington on Syria indispensable.",
    "ruble.txt": "The ruble firmed against the dollar as oil prices rose for a second day.",
}
CLAIMS = [
    (
        "Russia's defence ministry says its people in Syria deliver aid rather than build a base.",
        "mod.txt",
    ),
    ("Latakia is about 100 miles from IS-held territory near Aleppo.", "aleppo.txt"),
    ("Over 4,000 refugees reached Lesbos at the weekend, the UN said.", "refugees.txt"),
    ("Satellite pictures show a control tower being built at the air base.", "tower.txt"),
    ("The Kremlin said dialogue with Washington on Syria was indispensable.", "peskov.txt"),
]


def run(home: Path, db_url: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--home", str(home), "--db", db_url, *args])


def fresh(tmp_path: Path) -> tuple[Path, str]:
    """A new data folder and database, made with `verifier init` as a user would."""
    home, db = tmp_path / "home", f"sqlite:///{tmp_path / 'v.db'}"
    result = run(home, db, "init")
    assert result.exit_code == 0, result.output
    return home, db


def test_ingest_then_score_puts_the_right_source_in_the_top_3(tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "unseen"
    for name, text in UNSEEN.items():
        write(folder, name, text)
    claims = tmp_path / "claims.jsonl"
    claims.write_text(
        "".join(json.dumps({"claim": c, "id": i}) + "\n" for i, (c, _) in enumerate(CLAIMS))
    )
    home = tmp_path / "home"
    assert run(home, db_url, "init").exit_code == 0

    result = run(home, db_url, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    assert "6 added" in result.stdout

    out = tmp_path / "o.jsonl"
    result = run(home, db_url, "score", str(claims), "--out", str(out), "--top-k", "3")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == len(CLAIMS)
    for record, (claim, source) in zip(records, CLAIMS):
        assert record["claim"] == claim
        assert record["suggested_verdict"] in set(Label)
        # The default backend's full name: model and backend (e.g. +openvino-int8-bf16).
        assert record["retriever"].startswith("hybrid:all-MiniLM-L6-v2")
        assert record["stance_model"] == "rules"
        assert 0.0 <= record["confidence"] <= 1.0
        assert len(record["evidence"]) == 3
        assert set(record["evidence"][0]) >= {"text", "score", "uri", "document", "passage_id"}
        assert record["evidence"][0]["stance"] in {"supports", "refutes", "neutral"}
        top3 = [Path(e["uri"]).name for e in record["evidence"]]
        assert source in top3, (claim, top3)
    assert [r["id"] for r in records] == list(range(len(CLAIMS)))  # input fields carried


def test_the_default_stance_model_is_the_trained_one_from_the_command_line(
    tmp_path: Path,
) -> None:
    """The default stance model, the trained one, in a real process, as a desk gets it."""
    folder = tmp_path / "unseen"
    for name, text in UNSEEN.items():
        write(folder, name, text)
    claims = tmp_path / "claims.jsonl"
    claims.write_text("".join(json.dumps({"claim": c}) + "\n" for c, _ in CLAIMS))
    unset = {"VERIFIER_DB_URL", "VERIFIER_STANCE_MODEL"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env |= {"VERIFIER_HOME": str(tmp_path / "h")}

    def verifier(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "verifier", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done

    verifier("init")
    verifier("ingest", str(folder))
    out = tmp_path / "o.jsonl"
    verifier("score", str(claims), "--out", str(out))
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["stance_model"] for r in records} == {"trained"}
    # The code's version, and the runtime: OpenVINO unless the desk asked for PyTorch.
    version = rf"\.{RULES_VERSION}\+openvino-(bf16|f32)$"
    assert all(re.search(version, r["stance_version"]) for r in records)
    # It reads the 10 passages it was fitted on, not the default 5: here all 6 there are.
    assert all(len(r["evidence"]) == len(UNSEEN) for r in records)
    assert all(0.0 < r["confidence"] < 1.0 for r in records)
    assert all(
        e["stance"] in {"supports", "refutes", "neutral"} for r in records for e in r["evidence"]
    )
    # The Latakia and Lesbos claims restate their sources closely (similarity 0.8-0.9) with
    # the same figures: the rules settle them as supported, and the reason says so first.
    for record in records[1:3]:
        assert record["evidence"][0]["score"] >= 0.75
        assert record["suggested_verdict"] == "supported"
        assert record["reason"].startswith("the rules: 1 source(s) agree"), record["reason"]


def test_score_writes_csv_and_parquet(tmp_path: Path, sources: Path) -> None:
    home, db = fresh(tmp_path)
    assert run(home, db, "ingest", str(sources)).exit_code == 0
    claims = write(
        tmp_path,
        "claims.csv",
        'claim,desk\n"Spartak beat Zenit 2-1.",sport\n'
        '"Crews built helicopter pads at the airport.",world\n',
    )
    for suffix in (".csv", ".parquet"):
        out = tmp_path / f"o{suffix}"
        result = run(home, db, "score", str(claims), "--out", str(out), "--top-k", "2")
        assert result.exit_code == 0, result.output
        frame = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
        assert frame["desk"].tolist() == ["sport", "world"]
        assert frame["suggested_verdict"].isin(list(Label)).all()
    assert pd.read_csv(tmp_path / "o.csv")["top_uri"][0].endswith("football.txt")
    nested = pd.read_parquet(tmp_path / "o.parquet")["evidence"][1]
    assert len(nested) == 2 and nested[0]["uri"].endswith("imagery.md")


def test_score_reads_the_claims_from_the_column_named(tmp_path: Path, sources: Path) -> None:
    home, db = fresh(tmp_path)
    assert run(home, db, "ingest", str(sources)).exit_code == 0
    # A desk's own sheet: the claims under another heading, in another case.
    sheet = 'Claim,Statement,desk\nC-1,"Spartak beat Zenit 2-1.",sport\n'
    claims = write(tmp_path, "sheet.csv", sheet)
    out = tmp_path / "o.csv"
    result = run(home, db, "score", str(claims), "--column", "statement", "--out", str(out))
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert frame["claim"].tolist() == ["Spartak beat Zenit 2-1."]
    assert frame["desk"].tolist() == ["sport"] and "statement" not in frame
    assert frame["input_claim"].tolist() == ["C-1"]  # the sheet's own column, not overwritten
    assert frame["top_uri"][0].endswith("football.txt")
    # The same sheet saved where the decimal mark is a comma: fields split by semicolons.
    semicolons = write(
        tmp_path, "sheet-eu.csv", sheet.replace(",", ";").replace("2-1.", "2-1, at home.")
    )
    result = run(home, db, "score", str(semicolons), "--column", "statement", "--out", str(out))
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert frame["claim"].tolist() == ["Spartak beat Zenit 2-1, at home."]
    assert frame["desk"].tolist() == ["sport"]


def test_a_list_of_claims_is_imported_for_review_then_matched(
    tmp_path: Path, sources: Path
) -> None:
    home, db = fresh(tmp_path)
    assert run(home, db, "ingest", str(sources)).exit_code == 0
    tips = write(tmp_path, "tips.txt", "Spartak beat Zenit 2-1.\n\nSpartak beat Zenit 2-1.\n")
    result = run(home, db, "claims", "import", str(tips), "--title", "Tips, 28 November")
    assert result.exit_code == 0, result.output
    assert "Spartak beat Zenit 2-1." in result.stdout and len(result.stdout.splitlines()) == 1
    assert (
        "list 1 (Tips, 28 November): 1 claim(s); match them with `verifier match --article 1`"
        in (result.stderr)
    )
    matched = run(home, db, "match", "--article", "1", "--top-k", "1")
    assert matched.exit_code == 0, matched.output
    assert "football.txt" in matched.stdout
    refused = run(home, db, "claims", "import", str(write(tmp_path, "t.csv", "text\nx\n")))
    assert refused.exit_code != 0
    assert "no 'claim' column (found: text); name the column that holds the claims" in (
        refused.output
    )


def test_files_and_web_pages_are_ingested_in_one_command(tmp_path: Path, sources: Path) -> None:
    home, db = fresh(tmp_path)
    page = (
        b"<html><head><title>Statement on Latakia</title></head><body><article>"
        b"<p>The ministry said 28 aircraft were moved to the Latakia air base.</p>"
        b"</article></body></html>"
    )
    with served(page) as address:
        done = run(home, db, "ingest", str(sources), f"{address}/statement", "--outlet", "Desk")
        assert done.exit_code == 0, done.output
        # One run: one summary line, the files' documents and the page's together.
        lines = [line for line in done.output.splitlines() if line.startswith("documents:")]
        files = len(list(sources.iterdir()))
        assert len(lines) == 1 and lines[0].startswith(f"documents: {files + 1} added")
        # A bad file beside a page: nothing kept, nothing written, the file named.
        bad = tmp_path / "empty.txt"
        bad.write_text("")
        kept = sorted((home / "uploads" / "sources").iterdir())
        failed = run(home, db, "ingest", str(bad), f"{address}/other")
        assert failed.exit_code == 1 and f"{bad}: file is empty" in failed.output
        assert sorted((home / "uploads" / "sources").iterdir()) == kept
        listed = run(home, db, "sources", "--search", "Statement on Latakia")
        assert f"{address}/statement" in listed.output and "Desk" in listed.output
        refused = run(home, db, "ingest", f"{address}/statement", "--url", "https://x.org")
        assert refused.exit_code == 2 and "--url is for files" in refused.output
    gone = run(home, db, "ingest", "http://127.0.0.1:9/closed")
    assert gone.exit_code == 1 and "cannot be fetched" in gone.output


def test_a_desk_spreadsheet_is_scored_and_ingested(tmp_path: Path, sources: Path) -> None:
    home, db = fresh(tmp_path)
    assert run(home, db, "ingest", str(sources)).exit_code == 0
    book = Workbook()
    book.active.append(["Ref", "Claim"])
    book.active.append([101, "Spartak beat Zenit 2-1."])
    book.active.append([102, None])  # not written yet: skipped
    book.active.append([103, "Crews built helicopter pads at the Syrian airport."])
    book.create_sheet("Notes").append(["text"])  # a second sheet, not read
    claims = tmp_path / "desk.xlsx"
    book.save(claims)
    out = tmp_path / "scored.xlsx"
    result = run(home, db, "score", str(claims), "--out", str(out))
    assert result.exit_code == 0, result.output
    frame = pd.read_excel(out)
    assert frame["ref"].tolist() == [101, 103] and frame["claim"][0] == "Spartak beat Zenit 2-1."
    assert frame["row"].tolist() == [2, 4]  # the sheet's own row numbers
    assert frame["top_uri"][0].endswith("football.txt")
    # Ingested, the file is read twice (checked, then stored): its note is said once. (In
    # a process of its own: the log goes to the stderr of the first command run in one.)
    done = subprocess.run(
        [sys.executable, "-m", "verifier", "--home", str(home), "--db", db]
        + ["ingest", str(claims), "--column", "claim"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("read the first sheet, 'Sheet', of 2") == 1, done.stderr
    assert "documents: 2 added" in done.stdout
    assert "desk.xlsx:3 has no text; skipped" in done.stderr  # the row without a claim


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("", "c.txt", "file is empty"),
        ("text\nfoo\n", "c.csv", "no 'claim' column (found: text); name the column that"),
        (
            '{"text": "A claim."}\n',
            "c.jsonl",
            "c.jsonl:1: each line must be an object with a "
            "'claim' string (found: text); name the column that holds the claims (--column)",
        ),
        ('{"claim": "ok"}\nnot json\n', "c.jsonl", "c.jsonl:2: not valid JSON"),
        (
            '{"claim": "ok"}\n{"claim": 5}\n',
            "c.jsonl",
            "c.jsonl:2: 'claim' is a number (5), not text",
        ),
        (
            '{"claim": null}\n',
            "c.jsonl",
            "c.jsonl:1: 'claim' is null, not text; write it in quotes",
        ),
        ('{"claim": ["a", "b"]}\n', "c.jsonl", '\'claim\' is a list (["a", "b"]), not text'),
        ("a claim", "c.docx", "claims must be in .txt, .csv, .jsonl"),
    ],
)
def test_score_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, sources: Path, content: str, name: str, message: str
) -> None:
    home, db = fresh(tmp_path)
    run(home, db, "ingest", str(sources))
    out = tmp_path / "out.jsonl"
    result = run(home, db, "score", str(write(tmp_path, name, content)), "--out", str(out))
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.glob(".out.jsonl*"))


def test_score_refuses_unknown_output_type_before_work(tmp_path: Path) -> None:
    claims = write(tmp_path, "c.txt", "A claim.\n")
    result = run(
        tmp_path / "h",
        f"sqlite:///{tmp_path / 'v.db'}",
        "score",
        str(claims),
        "--out",
        str(tmp_path / "o.xls"),
    )
    assert (
        result.exit_code == 1
        and "output must end in .jsonl, .csv, .xlsx, .parquet" in result.stderr
    )
    assert not (tmp_path / "h").exists()  # refused before anything was opened or made


def test_ingest_bad_file_exits_1_with_nothing_ingested(tmp_path: Path, sources: Path) -> None:
    home, db = fresh(tmp_path)
    write(sources, "binary.txt", b"\x00\x01\x02" * 100)
    result = run(home, db, "ingest", str(sources))
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"Error: {sources / 'binary.txt'}: binary file, not text; export it as .txt or .html"
    )
    stats = run(home, db, "index", "stats")
    assert "vectors: 0" in stats.stdout and "passages: 0" in stats.stdout


def test_ingest_reads_a_table_s_text_from_the_column_named(tmp_path: Path) -> None:
    home, db = fresh(tmp_path)
    table = write(tmp_path, "archive.csv", "id,Body\n1,Six Su-27 jets landed at Latakia.\n")
    refused = run(home, db, "ingest", str(table))
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        f"Error: {table}: no 'text' column (found: id, body); "
        "name the column that holds the text (--column), or add a 'text' one"
    )
    assert "passages: 0" in run(home, db, "index", "stats").stdout
    result = run(home, db, "ingest", str(table), "--column", "Body")
    assert result.exit_code == 0, result.output
    [listed] = [json.loads(line) for line in run(home, db, "sources", "--json").stdout.splitlines()]
    assert listed["uri"] == f"{table}#id=1"
    assert "passages: 1" in run(home, db, "index", "stats").stdout


def test_claims_extract_match_and_index_commands(tmp_path: Path, sources: Path) -> None:
    home, db = fresh(tmp_path)
    assert run(home, db, "ingest", str(sources)).exit_code == 0
    article = write(
        tmp_path,
        "article.txt",
        "The Pentagon said on Monday that Russia moved personnel to the airfield near Latakia.\n\n"
        "Leave a comment\n",
    )
    result = run(home, db, "claims", "extract", str(article), "--json")
    assert result.exit_code == 0, result.output
    [claim] = [json.loads(line) for line in result.stdout.splitlines()]
    text = article.read_text()
    assert text[claim["start"] : claim["end"]] == claim["claim"]
    assert claim["checkworthiness"] >= 0.5

    unknown = run(home, db, "match", "--article", "99")
    assert unknown.exit_code == 1 and "article 99 has no claims" in unknown.stderr
    result = run(home, db, "match", "--top-k", "2", "--json")
    assert result.exit_code == 0, result.output
    [matched] = [json.loads(line) for line in result.stdout.splitlines()]
    assert matched["evidence"][0]["uri"] == "https://wire.example.com/base"
    assert len(matched["evidence"]) == 2
    # Reviewed, then a source restating the claim arrives: matching says so, on stderr.
    reviewed = ["review", str(claim["claim_id"]), "--verdict", "supported", "--reviewer", "dana"]
    assert run(home, db, *reviewed).exit_code == 0
    assert "since their verdict" not in run(home, db, "match", "--json").stderr
    write(sources, "restated.txt", claim["claim"] + "\n")
    assert run(home, db, "ingest", str(sources)).exit_code == 0
    again = run(home, db, "match", "--top-k", "2", "--json")
    assert again.exit_code == 0 and len(again.stdout.splitlines()) == 1  # JSON lines only
    assert "1 reviewed claim(s) have evidence from sources added or changed" in again.stderr

    assert "ok: index matches the database" in run(home, db, "index", "check").stdout
    for saved in (home / "index").glob("*.*"):
        saved.unlink()  # the vector file and its manifest: no index at all
    check = run(home, db, "index", "check")
    assert (
        check.exit_code == 1
        and "drift:" in check.stderr
        and "missing from the index" in check.stderr
    )
    rebuilt = run(home, db, "index", "rebuild")
    assert rebuilt.exit_code == 0 and "index rebuilt" in rebuilt.stdout
    assert run(home, db, "index", "check").exit_code == 0

    (vector_file,) = (home / "index").glob("passages-*.faiss")
    data = bytearray(vector_file.read_bytes())
    data[-200] ^= 1  # one bit: the file still loads, its checksum no longer matches
    vector_file.write_bytes(bytes(data))
    check = run(home, db, "index", "check")
    assert check.exit_code == 1
    assert f"damaged index: {vector_file} does not match the checksum" in check.stderr
    assert run(home, db, "index", "rebuild").exit_code == 0
    assert "ok: index matches" in run(home, db, "index", "check").stdout


def test_match_without_claims_or_sources_says_what_to_do(tmp_path: Path, sources: Path) -> None:
    home, db = fresh(tmp_path)
    result = run(home, db, "match")
    assert result.exit_code == 1 and "run `verifier ingest PATH` first" in result.stderr
    run(home, db, "ingest", str(sources))
    result = run(home, db, "match")
    assert result.exit_code == 1 and "run `verifier claims extract ARTICLE` first" in result.stderr


def test_remove_command(tmp_path: Path, sources: Path) -> None:
    home, db = fresh(tmp_path)
    run(home, db, "ingest", str(sources))
    result = run(home, db, "remove", str(sources / "weather.txt"))
    assert result.exit_code == 0 and "1 document(s) removed" in result.stdout
    assert run(home, db, "index", "check").exit_code == 0
    # the URL the app shows with the evidence names the source too
    listed = run(home, db, "sources", "--search", "wire", "--json")
    (row,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert row["url"] == "https://wire.example.com/base" and row["passages"] == 2
    result = run(home, db, "remove", "https://wire.example.com/base")
    assert result.exit_code == 0 and "1 document(s) removed (2 passage(s))" in result.stdout
    # a name that matches nothing is an error, and nothing is removed
    result = run(home, db, "remove", str(sources / "imagery.md"), "https://wire.example.com/base")
    assert result.exit_code == 1
    assert "no source has the path, URL or uri 'https://wire.example.com/base'" in result.stderr
    assert "2 of 2 source(s)" in run(home, db, "sources").stderr


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*path, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*path, name)))
    return found


def test_every_command_and_subcommand_has_help_with_an_example() -> None:
    runner = CliRunner()
    commands = _commands(cli)
    assert {("db", "upgrade"), ("index", "rebuild"), ("claims", "extract")} <= set(commands)
    for path in [(), *commands]:
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        command = cli
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        if not isinstance(command, click.Group) or not path:
            assert "Example:" in result.output, path


def test_commands_need_an_initialised_database_and_say_so(tmp_path: Path) -> None:
    home, db = tmp_path / "home", f"sqlite:///{tmp_path / 'v.db'}"
    result = run(home, db, "ingest", str(tmp_path))
    assert result.exit_code == 1
    assert "no database at" in result.stderr and "run `verifier init`" in result.stderr
    assert not (tmp_path / "v.db").exists()


def test_a_damaged_sqlite_file_is_one_line_naming_it(tmp_path: Path) -> None:
    home, file = tmp_path / "home", tmp_path / "v.db"
    file.write_bytes(b"meeting notes, saved over the database by mistake\n")
    result = run(home, f"sqlite:///{file}", "sources")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip() == (
        f"Error: the SQLite database {file} is damaged (file is not a database); move it "
        "aside and restore your last copy of it (the indexes follow the database on the next "
        "start), or give another database with --db / VERIFIER_DB_URL"
    )
    file.unlink()
    assert run(home, f"sqlite:///{file}", "init").exit_code == 0
    write(tmp_path / "docs", "tower.txt", UNSEEN["tower.txt"])
    assert run(home, f"sqlite:///{file}", "ingest", str(tmp_path / "docs")).exit_code == 0
    with file.open("r+b") as damaged:  # every page past the first two
        damaged.seek(8192)
        damaged.write(b"\xff" * (file.stat().st_size - 8192))
    result = run(home, f"sqlite:///{file}", "sources")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "is damaged (database disk image is malformed)" in result.stderr


def test_db_upgrade_and_status(tmp_path: Path) -> None:
    home, db = tmp_path / "home", f"sqlite:///{tmp_path / 'v.db'}"
    status = run(home, db, "db", "status")
    assert status.exit_code == 1 and "schema: (none)" in status.stdout
    assert "run `verifier db upgrade`" in status.stderr
    assert not (tmp_path / "v.db").exists()  # looking created nothing
    unreachable = run(home, "postgresql://u:secret@127.0.0.1:1/x", "db", "status")
    assert unreachable.exit_code == 1 and "cannot reach the database" in unreachable.stderr
    assert "secret" not in unreachable.output and "Traceback" not in unreachable.output
    upgraded = run(home, db, "db", "upgrade")
    assert upgraded.exit_code == 0
    assert f"schema upgraded from (empty) to {head_revision()}" in upgraded.stdout
    again = run(home, db, "db", "upgrade")
    assert f"schema already at {head_revision()} (newest)" in again.stdout
    status = run(home, db, "db", "status")
    assert status.exit_code == 0 and f"schema: {head_revision()}" in status.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [("VERIFIER_TOP_K", "abc"), ("VERIFIER_TOP_K", "0"), ("VERIFIER_BATCH_SIZE", "0")],
)
def test_a_bad_setting_is_one_line_naming_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = CliRunner().invoke(
        cli, ["--home", str(tmp_path / "h"), "index", "stats"], env={variable: value}
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {variable}") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_python_dash_m_and_env_home(tmp_path: Path) -> None:
    # Nothing else from the environment but the run's converted model (converting it again
    # takes 15 s; tests/test_backends.py converts into a cache of its own).
    cache = {"VERIFIER_MODEL_CACHE": os.environ["VERIFIER_MODEL_CACHE"]}
    result = subprocess.run(
        [sys.executable, "-m", "verifier", "init"],
        capture_output=True,
        text=True,
        env={"VERIFIER_HOME": str(tmp_path / "h"), "PATH": ""} | cache,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "ready: sqlite:///" in result.stdout and (tmp_path / "h" / "verifier.db").exists()


def test_init_sample_loads_once(tmp_path: Path) -> None:
    home, db = fresh(tmp_path)
    first = run(home, db, "init", "--sample")
    assert first.exit_code == 0, first.output
    assert "sample loaded: documents: 18 added" in first.stdout
    second = run(home, db, "init", "--sample")
    assert "sample not loaded: the workbench already holds" in second.stdout
    assert "(41 vectors)" in first.stdout and "(41 vectors)" in second.stdout


def test_the_app_start_line_says_who_can_reach_it() -> None:
    assert "for this computer only" in reach("127.0.0.1", 8501)
    assert "for this computer only" in reach("localhost", 8501)
    assert "add accounts with `verifier accounts add NAME`" in reach("127.0.0.1", 8501)
    assert reach("::1", 8501, accounts_in_use=True).endswith(
        "for this computer only; reviewers sign in with their accounts"
    )
    exposed = reach("0.0.0.0", 8501)
    assert "anyone who can reach this machine" in exposed
    assert "with no accounts can change verdicts under any name" in exposed
    signing = reach("0.0.0.0", 8501, accounts_in_use=True)
    assert "reviewers sign in with their accounts; serve it over HTTPS" in signing
    assert reach("127.0.0.1", 8501, base="desk").startswith(
        "the app is at http://127.0.0.1:8501/desk/, for this computer only"
    )
    assert "listens on 0.0.0.0:8501/desk/: anyone" in reach("0.0.0.0", 8501, base="desk")


def test_a_command_run_in_process_leaves_the_log_handlers_as_they_were(tmp_path: Path) -> None:
    handlers = logging.getLogger().handlers
    before = [list(handler.filters) for handler in handlers]
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "db", "status"])
    assert result.exit_code in (0, 1), result.output
    assert [list(handler.filters) for handler in handlers] == before
