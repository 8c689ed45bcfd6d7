"""Embedding backends side by side on the same texts: speed, closeness to PyTorch fp32, and
the retrieval recall gate for int8.

For each backend (PyTorch fp32 first: the baseline), in one process:
* texts/s embedding SciFact passages (abstracts cut as ``verifier ingest`` cuts them) and
  short claims (SciFact and CLIMATE-FEVER), and the ratio to PyTorch fp32;
* mean and minimum cosine of each vector to PyTorch fp32's vector of the same text;
* recall@5 of the annotated evidence (SciFact: abstracts, ranked by their best passage;
  CLIMATE-FEVER: evidence sentences), and the difference to PyTorch fp32.

The gates (issue 6): an exact backend keeps mean cosine >= 0.9999; int8 needs mean cosine
>= 0.99 on claims and on passages, and recall@5 within 0.01 of fp32 on both sets.

Data is read from ../shared/bench (never shipped). Run:
    .venv/bin/python benchmarks/bench_backends.py [--abstracts 1500] [--backends ...]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_commands import BENCH, cpu_model, rows

from verifier import Settings
from verifier.embed import Embedder, make_embedder
from verifier.passages import split_passages

BACKENDS = ["torch", "torch-bf16", "openvino", "openvino-int8"]


def recall_at(k: int, scores: np.ndarray, owners: list[str], relevant: list[set[str]]) -> float:
    """Mean share of each query's relevant documents among its ``k`` best documents, a document
    ranked by its best passage."""
    found = []
    for row, wanted in zip(scores, relevant):
        top: list[str] = []
        for column in np.argsort(-row):
            if owners[column] not in top:
                top.append(owners[column])
                if len(top) == k:
                    break
        found.append(len(wanted & set(top)) / len(wanted))
    return float(np.mean(found))


def load(abstracts: int) -> dict:
    scifact = rows(BENCH / "scifact/claims.jsonl")
    cited = {doc for claim in scifact for doc in claim["evidence_ids"]}
    corpus = rows(BENCH / "scifact/corpus.jsonl")
    corpus.sort(key=lambda doc: doc["id"] not in cited)
    corpus = corpus[:abstracts]
    held = {doc["id"] for doc in corpus}
    passages, owners = [], []
    for doc in corpus:
        for span in split_passages(doc["text"]) or [doc["text"]]:
            passages.append(getattr(span, "text", span))
            owners.append(doc["id"])
    sci_claims = [c for c in scifact if c["evidence_ids"] and set(c["evidence_ids"]) <= held]
    climate = rows(BENCH / "climate-fever/claims.jsonl")
    sentences = rows(BENCH / "climate-fever/corpus.jsonl")
    ids = {s["id"] for s in sentences}
    cf_claims = [c for c in climate if c["evidence_ids"] and set(c["evidence_ids"]) & ids]
    return {
        "passages": passages,
        "owners": owners,
        "sci_claims": [c["claim"] for c in sci_claims],
        "sci_relevant": [set(c["evidence_ids"]) for c in sci_claims],
        "cf_sentences": [s["text"] for s in sentences],
        "cf_owners": [s["id"] for s in sentences],
        "cf_claims": [c["claim"] for c in cf_claims],
        "cf_relevant": [set(c["evidence_ids"]) & ids for c in cf_claims],
    }


def timed_embed(embedder: Embedder, texts: list[str]) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    vectors = embedder.embed(texts)
    return vectors, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--abstracts", type=int, default=1500)
    parser.add_argument("--backends", nargs="+", default=BACKENDS)
    args = parser.parse_args()
    data = load(args.abstracts)
    passages, claims = data["passages"], data["sci_claims"] + data["cf_claims"]
    print(f"cpu: {cpu_model()}")
    print(
        f"texts: {len(passages)} SciFact passages from {args.abstracts} abstracts; "
        f"{len(claims)} claims; {len(data['cf_sentences'])} CLIMATE-FEVER sentences"
    )
    results: dict[str, dict] = {}
    n_sci = len(data["sci_claims"])
    with tempfile.TemporaryDirectory() as home:
        for backend in args.backends:
            embedder = make_embedder(Settings(home=Path(home), backend=backend))
            embedder.embed(claims[:64])  # warm-up (first-call allocations)
            p_vec, p_s = timed_embed(embedder, passages)
            c_vec, c_s = timed_embed(embedder, claims)
            s_vec = embedder.embed(data["cf_sentences"])
            sci = c_vec[:n_sci] @ p_vec.T
            cf = c_vec[n_sci:] @ s_vec.T
            results[backend] = {
                "name": embedder.name,
                "passages/s": len(passages) / p_s,
                "claims/s": len(claims) / c_s,
                "vectors": (p_vec, c_vec),
                "recall_sci": recall_at(5, sci, data["owners"], data["sci_relevant"]),
                "recall_cf": recall_at(5, cf, data["cf_owners"], data["cf_relevant"]),
            }
            print(f"  {backend}: {embedder.name} done", flush=True)
    base = results[args.backends[0]]
    bp, bc = base["vectors"]
    print(
        f"\n{'backend':14s} {'embedder':38s} {'passages/s':>10s} {'ratio':>6s} {'claims/s':>9s}"
        f" {'ratio':>6s}  {'cos passages':>14s} {'cos claims':>14s}"
        "  recall@5 SciFact / CLIMATE-FEVER"
    )
    for backend, r in results.items():
        p_vec, c_vec = r["vectors"]
        cp, cc = np.sum(p_vec * bp, axis=1), np.sum(c_vec * bc, axis=1)
        sci, cf = r["recall_sci"], r["recall_cf"]
        print(
            f"{backend:14s} {r['name']:38s} {r['passages/s']:10.1f}"
            f" {r['passages/s'] / base['passages/s']:5.2f}x {r['claims/s']:9.1f}"
            f" {r['claims/s'] / base['claims/s']:5.2f}x  {cp.mean():.5f}/{cp.min():.4f}"
            f" {cc.mean():.5f}/{cc.min():.4f}  {sci:.4f} ({sci - base['recall_sci']:+.4f})"
            f" / {cf:.4f} ({cf - base['recall_cf']:+.4f})"
        )


if __name__ == "__main__":
    main()
