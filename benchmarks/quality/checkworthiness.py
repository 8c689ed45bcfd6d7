"""Claim detection on CheckThat! 2019 task 1: mean average precision per debate."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from quality.metrics import average_precision, read_jsonl
from verifier import Settings


def run(folder: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    from verifier.claims import checkworthiness
    from verifier.embed import make_embedder

    rows = read_jsonl(folder / "sentences.jsonl")
    debates = sorted({r["debate"] for r in rows})
    gold = np.array([r["checkworthy"] for r in rows])
    of = np.array([debates.index(r["debate"]) for r in rows])
    scored = [d for d in range(len(debates)) if gold[of == d].any()]
    print(
        f"# {folder.name}: {len(rows)} sentences, {int(gold.sum())} check-worthy, "
        f"{len(debates)} debates ({len(scored)} with a check-worthy sentence)"
    )

    def mean_ap(scores: np.ndarray) -> tuple[float, list[float]]:
        per = [average_precision(scores[of == d], gold[of == d]) for d in scored]
        return float(np.mean(per)), per

    heuristic = np.array([checkworthiness(r["text"]) for r in rows])
    rng = np.random.default_rng(0)
    shuffled = float(np.mean([mean_ap(rng.random(len(rows)))[0] for _ in range(20)]))
    started = time.perf_counter()
    embedder = make_embedder(Settings.from_env())
    vectors = embedder.embed([r["text"] for r in rows])
    print(f"embedded with {embedder.name} in {time.perf_counter() - started:.1f} s")
    # Context: the mean embedding of the sentences before and after, in the same debate.
    before = np.vstack([np.zeros((1, vectors.shape[1])), vectors[:-1]])
    after = np.vstack([vectors[1:], np.zeros((1, vectors.shape[1]))])
    before[np.r_[True, of[1:] != of[:-1]]] = 0
    after[np.r_[of[1:] != of[:-1], True]] = 0
    plain = np.hstack([vectors, heuristic[:, None]])
    context = np.hstack([plain, 0.5 * (before + after)])

    def left_out(features: np.ndarray, c: float) -> np.ndarray:
        """Scores of each debate from a model trained on the other debates."""
        scores = np.zeros(len(rows))
        for d in range(len(debates)):
            held = of == d
            model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
            model.fit(features[~held], gold[~held])
            scores[held] = model.predict_proba(features[held])[:, 1]
        return scores

    trained = left_out(context, 0.05)
    results = {
        "random order (20 shuffles)": (shuffled, []),
        "heuristic (verifier.claims.checkworthiness)": mean_ap(heuristic),
        "embedding + heuristic, logistic regression C=0.5 (step 1)": mean_ap(left_out(plain, 0.5)),
        "embedding + heuristic, C=0.05": mean_ap(left_out(plain, 0.05)),
        "embedding + heuristic + neighbours' mean embedding, C=0.05": mean_ap(trained),
    }
    print("\n| scorer | MAP |")
    print("|---|---:|")
    for name, (value, _) in results.items():
        print(f"| {name} | {value:.3f} |")
    print("\n| debate | sentences | check-worthy | AP heuristic | AP trained |")
    print("|---|---:|---:|---:|---:|")
    _, per_heuristic = results["heuristic (verifier.claims.checkworthiness)"]
    _, per_trained = results["embedding + heuristic + neighbours' mean embedding, C=0.05"]
    for d, ap_h, ap_t in zip(scored, per_heuristic, per_trained):
        held = of == d
        print(
            f"| {debates[d]} | {int(held.sum())} | {int(gold[held].sum())} | "
            f"{ap_h:.3f} | {ap_t:.3f} |"
        )
