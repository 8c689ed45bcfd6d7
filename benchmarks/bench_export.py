"""Verdict-report export at scale: time and peak memory of ``verifier export`` against the
number of claims, for every format.

A database of ``--claims`` reviewed claims (20 per article, each citing two passages of
400-character quotes, one history entry each and a second for every tenth) is written once
through the real schema (``verifier init``'s migrations, then bulk inserts). The reviews
fall on three days so that ``--until`` picks 1%, 10% and 100% of them. Each export is its
own ``verifier export`` process, timed from start to exit, with its peak RSS.

Printed per format and size: seconds, peak RSS, and two ratios against baselines measured in
the same run: the time against the JSON Lines export of the same claims (the cheapest
format), and the peak memory against the same format's export of the smallest selection
(1.00 means memory did not grow with the row count, i.e. the export streams).

Run: .venv/bin/python benchmarks/bench_export.py [--claims 100000] [--formats jsonl csv ...]
"""

from __future__ import annotations

import argparse
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from verifier.config import Settings
from verifier.db.models import Article, Claim, Document, Match, Passage, Verdict, VerdictChange
from verifier.export import REPORT_FORMATS
from verifier.labels import Label
from verifier.workbench import Workbench

VERIFIER = Path(sys.executable).with_name("verifier")
PER_ARTICLE = 20
DAY = date(2026, 11, 1)
WORDS = (
    "Russia military build-up air base Latakia Syria Pentagon officials satellite images "
    "runway helicopter pads aircraft deployment ministry statement reported confirmed denied "
    "according sources said tanks troops personnel equipment port coastal province week"
).split()
_PEAK = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def build(home: Path, claims: int) -> None:
    """The database: ``claims`` reviewed claims with evidence, history and suggestions."""
    rng = random.Random(7)
    labels = list(Label)
    settings = Settings(home=home)
    with Workbench.open(settings, upgrade=True) as bench, bench.db.engine.begin() as db:
        passages = max(1000, claims // 10)
        db.execute(
            sa.insert(Document),
            [
                {
                    "id": d,
                    "uri": f"wire/{d}.txt",
                    "title": sentence(rng, 8),
                    "outlet": f"Wire {d % 40}",
                    "url": f"https://wire.example.org/{d}",
                    "published": DAY - timedelta(days=d % 30),
                    "format": "txt",
                    "content_hash": f"{d:064d}",
                    "text": "x",
                }
                for d in range(1, passages // 5 + 1)
            ],
        )
        db.execute(
            sa.insert(Passage),
            [
                {
                    "id": p,
                    "document_id": (p - 1) // 5 + 1,
                    "seq": (p - 1) % 5,
                    "start": 0,
                    "end": 400,
                    "text": sentence(rng, 60)[:400],
                    "text_hash": f"{p:064d}",
                }
                for p in range(1, passages // 5 * 5 + 1)
            ],
        )
        passages = passages // 5 * 5
        stamp = datetime(2026, 10, 1, tzinfo=UTC)
        for first in range(0, claims, 10_000):
            ids = range(first + 1, min(first + 10_000, claims) + 1)
            articles = sorted({(c - 1) // PER_ARTICLE + 1 for c in ids})
            texts = {c: sentence(rng, 22) for c in ids}
            bodies = {
                a: [texts[c] for c in ids if (c - 1) // PER_ARTICLE + 1 == a] for a in articles
            }
            db.execute(
                sa.insert(Article),
                [
                    {
                        "id": a,
                        "title": sentence(rng, 9),
                        "text": " ".join(bodies[a]),
                        "content_hash": f"{a:064d}",
                        "url": f"https://news.example.org/{a}",
                        "outlet": "Example News",
                        "author": "R. Porter",
                        "published": DAY,
                        "factcheck_url": f"https://desk.example.org/checks/{a}",
                    }
                    for a in articles
                ],
            )
            offsets: dict[int, int] = {}
            rows = []
            for c in ids:
                a = (c - 1) // PER_ARTICLE + 1
                start = offsets.get(a, 0)
                offsets[a] = start + len(texts[c]) + 1
                rows.append(
                    {
                        "id": c,
                        "article_id": a,
                        "text": texts[c],
                        "text_hash": f"{c:064d}",
                        "start": start,
                        "end": start + len(texts[c]),
                        "checkworthiness": 0.8,
                    }
                )
            db.execute(sa.insert(Claim), rows)
            cited = {c: rng.sample(range(1, passages + 1), 2) for c in ids}
            db.execute(
                sa.insert(Match),
                [
                    {"claim_id": c, "passage_id": p, "rank": r, "score": 0.8 - r / 10}
                    for c in ids
                    for r, p in enumerate(cited[c], start=1)
                ],
            )
            when = {
                c: datetime.combine(_review_day(c, claims), datetime.min.time(), UTC) for c in ids
            }
            db.execute(
                sa.insert(Verdict),
                [
                    {
                        "claim_id": c,
                        "suggested": rng.choice(labels),
                        "confidence": round(rng.random(), 3),
                        "reason": "2 source(s) agree (best similarity 0.80)",
                        "retriever": "dense:all-MiniLM-L6-v2",
                        "stance_model": "rules",
                        "stance_version": "1",
                        "suggested_at": stamp,
                        "label": rng.choice(labels),
                        "note": sentence(rng, 10),
                        "reviewer": f"reviewer {c % 7}",
                        "evidence": cited[c],
                        "updated_at": when[c],
                    }
                    for c in ids
                ],
            )
            db.execute(
                sa.insert(VerdictChange),
                [
                    {
                        "claim_id": c,
                        "changed_by": f"reviewer {c % 7}",
                        "changed_at": when[c] + timedelta(minutes=n),
                        "to_label": rng.choice(labels),
                        "evidence": cited[c],
                    }
                    for c in ids
                    for n in range(2 if c % 10 == 0 else 1)
                ],
            )


def _review_day(claim: int, claims: int) -> date:
    """1% of the claims on the first day, 9% on the second, the rest on the third."""
    if claim <= claims // 100:
        return DAY
    return DAY + timedelta(days=1 if claim <= claims // 10 else 2)


def export(home: Path, out: Path, until: date | None) -> tuple[float, float]:
    """(seconds, peak RSS MB) of one ``verifier export`` process."""
    args = [str(VERIFIER), "--home", str(home), "export", "--out", str(out)]
    if out.suffix == ".json":
        args += ["--format", "claimreview", "--publisher", "Desk"]
    if until:
        args += ["--until", until.isoformat()]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, *args], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"export failed: {done.stdout}{done.stderr}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--formats", nargs="+", default=list(REPORT_FORMATS))
    args = parser.parse_args()
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        home = Path(folder) / "home"
        started = time.perf_counter()
        build(home, args.claims)
        print(f"built {args.claims} reviewed claims in {time.perf_counter() - started:.1f} s")
        sizes = [
            (args.claims // 100, DAY),
            (args.claims // 10, DAY + timedelta(days=1)),
            (args.claims, None),
        ]
        results: dict[tuple[str, int], tuple[float, float, int]] = {}
        print("| format | claims | seconds | x JSON Lines | peak RSS MB | x smallest | file MB |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for fmt in ["jsonl", *[f for f in args.formats if f != "jsonl"]]:
            for count, until in sizes:
                out = Path(folder) / f"report-{count}{REPORT_FORMATS[fmt]}"
                seconds, peak = export(home, out, until)
                size = out.stat().st_size
                results[(fmt, count)] = (seconds, peak, size)
                out.unlink()
                out.with_name(f"{out.stem}.snippets.html").unlink(missing_ok=True)
                base_time = results[("jsonl", count)][0]
                base_peak = results[(fmt, sizes[0][0])][1]
                print(
                    f"| {fmt} | {count:,} | {seconds:.1f} | {seconds / base_time:.2f} | "
                    f"{peak:.0f} | {peak / base_peak:.2f} | {size / 1e6:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
