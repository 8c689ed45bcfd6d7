"""The trained stance model's speed per runtime: PyTorch (the baseline) against OpenVINO.

The claims are retrieved once (the workbench's default retriever, 10 passages each: the
depth the model reads), then each runtime suggests a verdict for every claim on the same
evidence. Printed per runtime: loading time (weights, and for OpenVINO the conversion),
seconds per claim after a warm-up claim, the ratio to PyTorch, and how far its suggestions
are from PyTorch's (labels that differ, the largest confidence difference).

Then, on the runtime the workbench picks, the cross-encoder alone: each claim's sentences
read in batches of 32 in sentence order (what ``suggest`` does: the baseline), against
batches sorted by length (less padding), per claim and across claims (what bulk scoring
could do): the milliseconds a (sentence, claim) pair, the ratio to the baseline, and the
largest difference in the probabilities read.

Data: the sample corpus and its 30 claims (``benchmarks/data/sample_claims.jsonl``), short
news passages; or, with ``--dataset ../shared/bench/NAME --home DIR``, that set's evaluated
claims against its corpus in a data folder ``benchmarks/bench_quality.py`` has filled.

Run: .venv/bin/python benchmarks/bench_stance.py [--dataset ../shared/bench/scifact
     --home /path/to/its/data/folder] [--claims 100]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from quality.metrics import evaluated  # noqa: E402

from verifier import Settings, Workbench, pipeline  # noqa: E402
from verifier.retrieve import Evidence  # noqa: E402
from verifier.stance import Suggestion  # noqa: E402
from verifier.stance.trained import TrainedStance, sentence_premises  # noqa: E402


def sample_claims() -> list[str]:
    lines = (ROOT / "benchmarks/data/sample_claims.jsonl").read_text().splitlines()
    return [json.loads(line)["claim"] for line in lines]


def dataset_claims(folder: Path, limit: int) -> list[str]:
    rows = [json.loads(line) for line in (folder / "claims.jsonl").open()]
    return [row["claim"] for row in rows if evaluated(row)][:limit]


def retrieve(settings: Settings, claims: list[str], load: Path | None) -> list[list[Evidence]]:
    """The 10 passages of each claim (scored with the rules, which take no time)."""
    with Workbench.open(replace(settings, stance_model="rules"), upgrade=True) as bench:
        if load is not None:
            pipeline.ingest(bench, [load])
        return [r.evidence for r in pipeline.score_claims(bench, claims, top_k=10)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, help="a folder of ../shared/bench")
    parser.add_argument("--home", type=Path, help="its data folder (bench_quality.py --home)")
    parser.add_argument("--claims", type=int, default=100, help="claims of --dataset to score")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        if args.dataset:
            if args.home is None:
                parser.error("--dataset needs --home, the data folder holding its corpus")
            claims = dataset_claims(args.dataset, args.claims)
            found = retrieve(Settings.from_env(home=args.home), claims, None)
        else:
            claims = sample_claims()
            settings = Settings.from_env(home=Path(scratch))
            found = retrieve(settings, claims, ROOT / "sample_corpus/sources")
    premises = sum(len(e) for e in found)
    print(f"{len(claims)} claims, {premises} passages ({premises / len(claims):.1f} a claim)")
    baseline: list[Suggestion] | None = None
    base_seconds = 0.0
    print("| runtime | load s | s a claim | vs PyTorch | labels differ | confidence gap |")
    print("|---|---:|---:|---:|---:|---:|")
    for backend in ("torch", "auto"):
        started = time.perf_counter()
        model = TrainedStance(backend=backend)
        model.suggest(claims[0], found[0])  # loads (and converts), then one warm-up claim
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        made = [model.suggest(claim, evidence) for claim, evidence in zip(claims, found)]
        seconds = (time.perf_counter() - started) / len(claims)
        if baseline is None:
            baseline, base_seconds = made, seconds
        differ = sum(a.label is not b.label for a, b in zip(made, baseline))
        gap = max(abs(a.confidence - b.confidence) for a, b in zip(made, baseline))
        print(
            f"| {model.runtime} | {loaded:.1f} | {seconds:.3f} | {base_seconds / seconds:.2f}x "
            f"| {differ} of {len(claims)} | {gap:.3f} |"
        )
    batches(model, claims, found)


def batches(model: TrainedStance, claims: list[str], found: list[list[Evidence]]) -> None:
    """The cross-encoder per claim in batches of 32 in sentence order (the baseline),
    against sorting by length, per claim and across claims. The readings take turns, three
    rounds; each keeps its best round (this machine's timings vary by a fifth from run to
    run)."""
    read = model.pairs.read_pairs
    per_claim = [[(p, c) for p in sentence_premises(e)[0]] for c, e in zip(claims, found)]
    pairs = [pair for mine in per_claim for pair in mine]
    each = len(pairs) / len(claims)
    print(f"\n{model.runtime}: {len(pairs)} (sentence, claim) pairs, {each:.1f} a claim")
    print("| reading (best of 3 rounds) | ms a pair | vs the baseline | largest difference |")
    print("|---|---:|---:|---:|")

    def by_length(some: list[tuple[str, str]], size: int) -> np.ndarray:
        """``some`` read shortest first (less padding), the rows put back in order."""
        order = sorted(range(len(some)), key=lambda i: len(some[i][0]) + len(some[i][1]))
        rows = np.empty((len(some), 3))
        rows[order] = read([some[i] for i in order], size)
        return rows

    def per(size: int, sort: bool) -> Callable[[], np.ndarray]:
        how = by_length if sort else read
        return lambda: np.concatenate([how(mine, size) for mine in per_claim])

    def across(size: int) -> Callable[[], np.ndarray]:
        return lambda: by_length(pairs, size)

    runs = {
        "per claim, batches of 32 in order (suggest; baseline)": per(32, False),
        "per claim, batches of 16 by length": per(16, True),
        "across claims, batches of 16 by length": across(16),
        "across claims, batches of 32 by length": across(32),
        "across claims, batches of 64 by length": across(64),
    }
    best = dict.fromkeys(runs, float("inf"))
    got: dict[str, np.ndarray] = {}
    for _ in range(3):
        for name, how in runs.items():
            started = time.perf_counter()
            got[name] = how()
            best[name] = min(best[name], time.perf_counter() - started)
    base_name = next(iter(runs))
    for name in runs:
        ms, base_ms = best[name] * 1000 / len(pairs), best[base_name] * 1000 / len(pairs)
        gap = np.abs(got[name] - got[base_name]).max()
        print(f"| {name} | {ms:.2f} | {base_ms / ms:.2f}x | {gap:.4f} |")


if __name__ == "__main__":
    main()
