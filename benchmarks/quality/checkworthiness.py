"""Claim detection on CheckThat! 2019 task 1: mean average precision per debate, for the
heuristic and for the desk-trained model (``verifier claims model train``), each debate
scored by a model trained on the others."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from quality.metrics import read_jsonl
from verifier import Settings
from verifier.checkworthy_model import (
    average_precision,
    features,
    left_out_scores,
    mean_average_precision,
)


def run(folder: Path) -> None:
    from verifier.embed import make_embedder

    rows = read_jsonl(folder / "sentences.jsonl")
    rows.sort(key=lambda r: (r["debate"], r["line"]))  # reading order within each debate
    debates = [r["debate"] for r in rows]
    gold = np.array([r["checkworthy"] for r in rows])
    names = list(dict.fromkeys(debates))
    print(
        f"# {folder.name}: {len(rows)} sentences, {int(gold.sum())} check-worthy, "
        f"{len(names)} debates"
    )
    started = time.perf_counter()
    embedder = make_embedder(Settings.from_env())
    texts = [r["text"] for r in rows]
    vectors = embedder.embed(texts)
    print(f"embedded with {embedder.name} in {time.perf_counter() - started:.1f} s")
    x = features(texts, vectors, debates)
    heuristic = x[:, embedder.dim]
    started = time.perf_counter()
    trained = left_out_scores(x, texts, gold, debates)
    print(f"{len(names)} models trained in {time.perf_counter() - started:.1f} s")
    embeddings_only = left_out_scores(x, texts, gold, debates, words=False)
    rng = np.random.default_rng(0)
    shuffled = [mean_average_precision(rng.random(len(rows)), gold, debates) for _ in range(20)]
    results = {
        "random order (mean of 20 shuffles)": float(np.mean([s or 0.0 for s in shuffled])),
        "heuristic (verifier.claims.checkworthiness)": mean_average_precision(
            heuristic, gold, debates
        ),
        "trained model, embeddings only (format 1), each debate left out": (
            mean_average_precision(embeddings_only, gold, debates)
        ),
        "trained model (verifier.checkworthy_model), each debate left out": (
            mean_average_precision(trained, gold, debates)
        ),
    }
    print("\n| scorer | MAP |")
    print("|---|---:|")
    for name, value in results.items():
        print(f"| {name} | {value or 0.0:.3f} |")
    print(
        "\n| debate | sentences | check-worthy | AP heuristic | AP embeddings only | AP trained |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    of = np.array(debates, dtype=object)
    for name in names:
        held = of == name
        if gold[held].any():
            print(
                f"| {name} | {int(held.sum())} | {int(gold[held].sum())} | "
                f"{average_precision(heuristic[held], gold[held]):.3f} | "
                f"{average_precision(embeddings_only[held], gold[held]):.3f} | "
                f"{average_precision(trained[held], gold[held]):.3f} |"
            )
    above = trained >= 0.5
    print(
        f"\nAt the extraction threshold 0.5 the trained model keeps {above.mean():.1%} of the "
        f"sentences and {above[gold == 1].mean():.1%} of the check-worthy ones; the heuristic "
        f"{(heuristic >= 0.5).mean():.1%} and {(heuristic >= 0.5)[gold == 1].mean():.1%}."
    )
