"""SciFact or CLIMATE-FEVER measured through the workbench, as a new user would run them.

The corpus is ingested as one JSONL file and every claim is searched and scored with the
workbench's own indexes and steps. Results are on the held-in evaluation part (SciFact's
``dev`` split; for CLIMATE-FEVER, which has no split, the claims whose id hashes odd); the
rest tunes the hybrid's weight and title boost.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from quality.metrics import (
    VERDICT_HEADER,
    calibration,
    calibration_noise,
    confusion_table,
    evaluated,
    ndcg,
    read_jsonl,
    retrieval_row,
    rrf,
    verdict_table,
)
from verifier import Label, Settings, Workbench, pipeline
from verifier.db.models import Document, Passage
from verifier.retrieve.hybrid import CANDIDATES, fuse
from verifier.stance import make_stance_model

WEIGHTS = [round(w, 2) for w in np.arange(0.0, 1.01, 0.05)]
BOOSTS = [0.0, 0.25, 0.5, 1.0, 2.0]


def documents(ranking: list[int], doc_of: dict[int, str]) -> list[str]:
    """Passage ranking -> document ranking (a document at its best passage's place)."""
    return list(dict.fromkeys(doc_of[pid] for pid in ranking if pid in doc_of))


def run(folder: Path, top_k: int, home: Path | None) -> None:
    claims = [c for c in read_jsonl(folder / "claims.jsonl") if c.get("claim")]
    texts = [c["claim"] for c in claims]
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.from_env(home=home or Path(scratch))
        with Workbench.open(settings, upgrade=True) as bench:
            print(f"# {folder.name}: {len(claims)} claims; embedder {bench.embedder.name}")
            started = time.perf_counter()
            pipeline.ingest(bench, [folder / "corpus.jsonl"])
            print(
                f"ingest {time.perf_counter() - started:.1f} s (next to nothing with a kept --home)"
            )
            retrieval(bench, claims, texts)
            verdicts(bench, claims, texts, top_k)


def retrieval(bench: Workbench, claims: list[dict], texts: list[str]) -> None:
    with bench.db.session() as session:
        doc_of = {
            pid: uri.rsplit("#id=", 1)[-1]
            for pid, uri in session.execute(sa.select(Passage.id, Document.uri).join(Document))
        }
    vectors = bench.embedder.embed(texts)
    scores, ids = bench.corpus.index().search(vectors, CANDIDATES)
    dense = [
        {int(p): float(s) for s, p in zip(row_s, row_i) if p >= 0}
        for row_s, row_i in zip(scores, ids)
    ]
    started = time.perf_counter()
    words = {b: bench.corpus.words().search(texts, CANDIDATES, b) for b in BOOSTS}
    print(f"BM25: {len(BOOSTS)} x {len(texts)} searches in {time.perf_counter() - started:.1f} s")

    with_gold = [i for i, c in enumerate(claims) if c.get("evidence_ids")]
    tune = [i for i in with_gold if not evaluated(claims[i])]
    test = [i for i in with_gold if evaluated(claims[i])]
    golds = [set(map(str, c.get("evidence_ids") or [])) for c in claims]

    def mean_ndcg(rows: list[int], rank: Callable[[int], list[int]]) -> float:
        return float(np.mean([ndcg(documents(rank(i), doc_of), golds[i]) for i in rows]))

    def ranked(hits: dict[int, float]) -> list[int]:
        return sorted(hits, key=lambda pid: -hits[pid])

    bm25 = {b: [dict(hits) for hits in words[b]] for b in BOOSTS}
    boost = max(BOOSTS, key=lambda b: mean_ndcg(tune, lambda i: ranked(bm25[b][i])))
    grid = {
        (w, b): mean_ndcg(tune, lambda i, w=w, b=b: fuse(dense[i], bm25[b][i], w))
        for w in WEIGHTS
        for b in BOOSTS
    }
    weight, fused_boost = max(grid, key=lambda key: grid[key])
    default = (bench.settings.hybrid_weight, bench.settings.title_boost)
    tuned_rrf = mean_ndcg(tune, lambda i: rrf(ranked(dense[i]), ranked(bm25[boost][i])))
    print(
        f"\nretrieval: {len(test)} evaluated claims with gold evidence; {len(tune)} tuned: "
        f"BM25 title boost {boost:g}; hybrid dense weight {weight:.2f}, title boost "
        f"{fused_boost:g}. Tuning nDCG@10: score fusion {grid[weight, fused_boost]:.3f}, at "
        f"the defaults w={default[0]:g}, boost={default[1]:g} "
        f"{grid.get(default, float('nan')):.3f}; RRF {tuned_rrf:.3f}\n"
    )
    print("| retriever | nDCG@10 | recall@5 | recall@20 |")
    print("|---|---:|---:|---:|")
    test_golds = [golds[i] for i in test]
    rows = {
        "dense (embeddings + FAISS)": [ranked(dense[i]) for i in test],
        "BM25, title boost 0 (text only)": [ranked(bm25[0.0][i]) for i in test],
        f"BM25 (tantivy), title boost {boost:g}": [ranked(bm25[boost][i]) for i in test],
        f"hybrid, RRF k=60 (BM25 title boost {boost:g})": [
            rrf(ranked(dense[i]), ranked(bm25[boost][i])) for i in test
        ],
        f"hybrid, score fusion w={weight:.2f}, title boost {fused_boost:g} (tuned here)": [
            fuse(dense[i], bm25[fused_boost][i], weight) for i in test
        ],
    }
    if default in grid:
        rows[f"hybrid, score fusion w={default[0]:g}, title boost {default[1]:g} (default)"] = [
            fuse(dense[i], bm25[default[1]][i], default[0]) for i in test
        ]
    for name, rankings in rows.items():
        print(retrieval_row(name, [documents(r, doc_of) for r in rankings], test_golds))


def verdicts(bench: Workbench, claims: list[dict], texts: list[str], top_k: int) -> None:
    """Every stance model on the same retrieved evidence: the shipped default, the rules,
    and the majority class."""
    labelled = [i for i, c in enumerate(claims) if evaluated(c)]
    gold = [Label.parse(claims[i]["label"]) for i in labelled]
    majority = Counter(Label.parse(c["label"]) for c in claims if not evaluated(c)).most_common(1)
    models = {bench.stance.name: bench.stance}
    models.setdefault("rules", make_stance_model("rules"))
    suggested = {}
    for name, model in models.items():
        bench.stance = model
        started = time.perf_counter()
        scored = pipeline.score_claims(bench, [texts[i] for i in labelled], top_k=top_k)
        print(
            f"\nscored {len(labelled)} claims in {time.perf_counter() - started:.1f} s with "
            f"{bench.retriever.name} and {name}"
        )
        suggested[name] = [r.suggestion for r in scored]
    print(f"\nverdicts: {len(labelled)} evaluated claims, `--top-k {top_k}`\n")
    print(VERDICT_HEADER)
    for name, found in suggested.items():
        print(verdict_table(name, gold, [s.label for s in found]))
    print(verdict_table(f"majority ({majority[0][0].value})", gold, [majority[0][0]] * len(gold)))
    for name, found in suggested.items():
        got = [s.label for s in found]
        print(f"\nconfusion of {name} (rows gold, columns suggested):\n")
        print(confusion_table(gold, got))
        confidence = np.array([s.confidence for s in found])
        correct = np.array([g == p for g, p in zip(gold, got)], dtype=float)
        ece, table = calibration(confidence, correct)
        noise, high = calibration_noise(confidence)
        print(
            f"\ncalibration of {name}: expected calibration error {ece:.3f} (a perfectly "
            f"calibrated model would show {noise:.3f} on these claims, up to {high:.3f} in 19 "
            "of 20 draws)\n"
        )
        print(table)
