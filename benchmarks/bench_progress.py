"""Scoring in smaller chunks: what the app's progress costs.

The Score page scores a file in the background and tells its progress after every
``verifier.pipeline.PROGRESS_CHUNK`` claims (one read transaction, one embedding batch and one
short write each), where ``verifier score`` takes 1,024 claims at a time. This scores claims
each way (1,024, and each of ``--chunks``) on the sample corpus, in one process with one
workbench, alternating the ways (``--rounds`` times each, after a warm-up that loads the
models). Each pass scores claims of its own, so that each embeds them as a new upload would
(scoring caches claim vectors). Printed: the best time of each way, and its time against
1,024 at once (the baseline).

The claims are CLIMATE-FEVER's (``../shared/bench/climate-fever/claims.jsonl``) when that
folder is there, else the sample article's sentences repeated with a number.

Run: .venv/bin/python benchmarks/bench_progress.py [--claims 160] [--rounds 2]
    [--chunks 32,64] [--stance trained|rules]
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

from verifier import pipeline
from verifier.config import Settings
from verifier.sentences import sentences
from verifier.workbench import Workbench

ROOT = Path(__file__).resolve().parents[1]
CLIMATE = ROOT.parent / "shared" / "bench" / "climate-fever" / "claims.jsonl"


def claims(count: int) -> tuple[list[str], str]:
    if CLIMATE.exists():
        with open(CLIMATE, encoding="utf-8") as handle:
            texts = [json.loads(line)["claim"] for line in handle if line.strip()]
        return texts[:count], f"CLIMATE-FEVER ({CLIMATE})"
    article = (ROOT / "sample_corpus" / "article.md").read_text(encoding="utf-8")
    said = [span.text for span in sentences(article) if len(span.text) > 40]
    texts = [f"{said[n % len(said)]} ({n})" for n in range(count)]
    return texts, "the sample article's sentences, numbered"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=160)
    parser.add_argument("--chunks", default=f"{pipeline.PROGRESS_CHUNK}")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--stance", default="trained", choices=["trained", "rules"])
    args = parser.parse_args()
    chunks = [1024] + [int(c) for c in args.chunks.split(",")]
    texts, origin = claims(args.claims * (len(chunks) * args.rounds + 1))
    passes = [texts[n : n + args.claims] for n in range(0, len(texts), args.claims)]
    print(f"{args.claims} claims a pass from {origin}; stance model {args.stance}")
    print(f"{platform.platform()}, {platform.processor() or platform.machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-progress-") as folder:
        settings = Settings.from_env(home=Path(folder), stance_model=args.stance)
        with Workbench.open(settings, upgrade=True) as bench:
            pipeline.load_sample(bench)
            pipeline.score_claims(bench, passes.pop()[:32])  # warm-up: the models loaded
            best = dict.fromkeys(chunks, float("inf"))
            for round_ in range(args.rounds):
                order = list(best) if round_ % 2 == 0 else list(reversed(best))
                for chunk in order:
                    claims_now = passes.pop()
                    started = time.perf_counter()
                    pipeline.score_claims(bench, claims_now, chunk=chunk)
                    best[chunk] = min(best[chunk], time.perf_counter() - started)
    base = best[1024]
    print(f"{'claims a chunk':>15} {'seconds':>8} {'per claim':>10} {'vs 1,024':>9}")
    for chunk, took in best.items():
        per = took / args.claims * 1000
        print(f"{chunk:>15} {took:8.2f} {per:8.1f}ms {took / base:8.3f}x")


if __name__ == "__main__":
    main()
