"""Bulk scoring throughput, with its baselines run in the same process.

Figures printed:
* ingest: passages per second embedding the corpus;
* score cold: claims per second when no claim vector is cached;
* score warm: the same claims again (vectors from the cache), as a ratio to cold;
* search: FAISS top-k over the index vs NumPy brute force on the same vectors (ratio),
  and the share of queries where both return the same top-1 passage.

Ingest and cold scoring run once (the model does the work; a second run would hit the cache);
warm scoring and search are timed ``--repeat`` times and the best time is kept.

Run: .venv/bin/python benchmarks/bench_score.py [--claims 2000] [--passages 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from verifier import Settings, Workbench, pipeline
from verifier.sources import SourceDoc

SUBJECTS = [
    "Russia",
    "The Pentagon",
    "Moscow",
    "The Kremlin",
    "Syrian troops",
    "US officials",
    "Satellite images",
    "A defence ministry source",
    "Local residents",
    "The UN agency",
]
VERBS = ["moved", "reported", "built", "denied", "confirmed", "sent", "counted", "estimated"]
OBJECTS = [
    "equipment to the airfield",
    "new helicopter pads",
    "an air traffic control tower",
    "hundreds of troops",
    "mobile housing units",
    "refugees at the border",
    "fighter jets",
    "supplies to the port",
    "talks with Washington",
    "a convoy near Aleppo",
]
PLACES = [
    "near Latakia",
    "in Damascus",
    "at the coast",
    "in Dushanbe",
    "near Aleppo",
    "in Homs",
    "at the air base",
    "in Tartus",
    "on the highway",
    "in the north",
]


def sentence(rng: random.Random) -> str:
    number = rng.randint(2, 5000)
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {number} {rng.choice(OBJECTS)} "
        f"{rng.choice(PLACES)} on day {rng.randint(1, 30)}."
    )


def top_k_numpy(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the k best scores per row, best first (argpartition, then sort)."""
    part = np.argpartition(-scores, k, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1)
    return np.take_along_axis(part, order, axis=1)


def timed(fn, repeat: int = 1):  # type: ignore[no-untyped-def]
    """``fn()``'s result and its best time over ``repeat`` runs (less noise from the machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return result, best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--passages", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of the fast steps (best)")
    args = parser.parse_args()
    rng = random.Random(7)
    docs = [
        SourceDoc(
            uri=f"bench://{i}",
            title=f"doc {i}",
            format="txt",
            text=" ".join(sentence(rng) for _ in range(2)),
        )
        for i in range(args.passages)
    ]
    claims = [sentence(rng) for _ in range(args.claims)]
    with tempfile.TemporaryDirectory() as home:
        # The rules: this measures embedding, search and storage; what the default trained
        # stance model adds a claim is measured by bench_stance.py.
        settings = Settings(home=Path(home), stance_model="rules")
        bench = Workbench.open(settings, upgrade=True)
        # Documents made here, not read from files: the corpus stores and indexes them.
        report, ingest_s = timed(lambda: bench.corpus.add(docs))
        _, cold_s = timed(lambda: pipeline.score_claims(bench, claims, top_k=5))
        _, warm_s = timed(lambda: pipeline.score_claims(bench, claims, top_k=5), args.repeat)

        vectors = bench.embedder.embed(claims)
        index = bench.corpus.index()
        ids = np.array(sorted(index.ids()), dtype=np.int64)
        matrix = np.stack([index.vector(int(i)) for i in ids])
        (_, faiss_ids), faiss_s = timed(lambda: index.search(vectors, 5), args.repeat)
        brute, brute_s = timed(lambda: ids[top_k_numpy(vectors @ matrix.T, 5)], args.repeat)
        agree = float(np.mean(faiss_ids[:, 0] == brute[:, 0]))
        bench.close()

    print(f"corpus: {report.passages} passages from {len(docs)} documents; {len(claims)} claims")
    print(f"ingest:      {report.passages / ingest_s:8.1f} passages/s")
    print(f"score cold:  {len(claims) / cold_s:8.1f} claims/s   (baseline, 1.00x)")
    print(f"score warm:  {len(claims) / warm_s:8.1f} claims/s   ({cold_s / warm_s:.2f}x cold)")
    print(
        f"search:      faiss {faiss_s * 1000:.1f} ms vs numpy brute force {brute_s * 1000:.1f} ms "
        f"({brute_s / faiss_s:.2f}x); same top-1 for {agree:.1%} of claims"
    )


if __name__ == "__main__":
    main()
