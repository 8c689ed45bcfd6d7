"""Reading tables: how long :func:`verifier.readers.read_table` takes on the same rows saved
as CSV, JSON Lines and an Excel workbook, and what that is beside embedding them.

``verifier ingest`` reads a table twice (a check pass over every file before anything is
stored, then the pass that stores), so its reading cost counts double; this shows whether
that matters next to the embedding every row then gets.

The same ``--rows`` rows (an id, an 80-word text, an outlet) are written in each format;
each file is read three times and the fastest read is kept. Printed per format: seconds,
rows per second, the time against the CSV read of the same rows (the baseline, measured in
the same run), and the file size. Then the bundled embedder embeds the first ``--embed``
texts, and the table's last line compares reading a row twice, per format, with embedding
one.

Run: .venv/bin/python benchmarks/bench_tables.py [--rows 20000] [--embed 1000]
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from verifier.config import Settings
from verifier.embed import make_embedder
from verifier.readers import read_table

WORDS = (
    "Russia military build-up air base Latakia Syria Pentagon officials satellite images "
    "runway helicopter pads aircraft deployment ministry statement reported confirmed denied"
).split()
LIMIT = 1 << 30  # no size limit in the way


def rows(count: int) -> list[tuple[int, str, str]]:
    rng = random.Random(7)
    return [
        (i, " ".join(rng.choice(WORDS) for _ in range(80)) + ".", "Wire Desk") for i in range(count)
    ]


def write(folder: Path, table: list[tuple[int, str, str]]) -> dict[str, Path]:
    header = ["id", "text", "outlet"]
    paths = {name: folder / f"table.{name}" for name in ("csv", "jsonl", "xlsx")}
    with paths["csv"].open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(table)
    with paths["jsonl"].open("w", encoding="utf-8") as out:
        for row in table:
            out.write(json.dumps(dict(zip(header, row))) + "\n")
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in table:
        sheet.append(list(row))
    book.save(paths["xlsx"])
    return paths


def fastest_read(path: Path, expected: int) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        found = read_table(path, LIMIT, None, "text")
        best = min(best, time.perf_counter() - start)
        assert len(found) == expected, (path, len(found))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--embed", type=int, default=1_000)
    args = parser.parse_args()
    table = rows(args.rows)
    print(f"{platform.machine()}, Python {platform.python_version()}; {args.rows:,} rows")
    with tempfile.TemporaryDirectory(prefix="bench-tables-") as folder:
        paths = write(Path(folder), table)
        seconds = {name: fastest_read(path, args.rows) for name, path in paths.items()}
        sizes = {name: path.stat().st_size / 2**20 for name, path in paths.items()}
    embedder = make_embedder(Settings(home=Path(tempfile.mkdtemp(prefix="bench-home-"))))
    texts = [text for _, text, _ in table[: args.embed]]
    embedder.embed(texts[:32])  # the first call loads and compiles the model
    start = time.perf_counter()
    embedder.embed(texts)
    per_embedded = (time.perf_counter() - start) / len(texts)
    print("| format | seconds | rows/s | x CSV | file MB | read twice, x one embedding |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, took in seconds.items():
        twice = 2 * took / args.rows / per_embedded
        print(
            f"| {name} | {took:.2f} | {args.rows / took:,.0f} | {took / seconds['csv']:.2f} "
            f"| {sizes[name]:.1f} | {twice:.3f} |"
        )
    print(f"embedding ({embedder.name}): {per_embedded * 1000:.1f} ms per row, {len(texts):,} rows")


if __name__ == "__main__":
    main()
