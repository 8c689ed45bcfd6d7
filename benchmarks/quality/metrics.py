"""Ranking, classification and calibration measures, and the JSONL reader."""

from __future__ import annotations

import json
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

from verifier import Label

LABELS = list(Label)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def evaluated(claim: dict) -> bool:
    """The claims results are reported on; the rest tune the fusion weight."""
    if "split" in claim:
        return claim["split"] != "train"
    return zlib.crc32(str(claim["id"]).encode()) % 2 == 1


def ndcg(ranked: list[str], gold: set[str], k: int = 10) -> float:
    gain = sum(1 / np.log2(i + 2) for i, doc in enumerate(ranked[:k]) if doc in gold)
    ideal = sum(1 / np.log2(i + 2) for i in range(min(len(gold), k)))
    return gain / ideal


def recall(ranked: list[str], gold: set[str], k: int) -> float:
    return len(set(ranked[:k]) & gold) / len(gold)


def retrieval_row(name: str, rankings: list[list[str]], golds: list[set[str]]) -> str:
    figures = [
        np.mean([ndcg(r, g) for r, g in zip(rankings, golds)]),
        np.mean([recall(r, g, 5) for r, g in zip(rankings, golds)]),
        np.mean([recall(r, g, 20) for r, g in zip(rankings, golds)]),
    ]
    return f"| {name} | " + " | ".join(f"{f:.3f}" for f in figures) + " |"


def rrf(dense: list, sparse: list, k: int = 60) -> list:
    """Reciprocal rank fusion of two rankings."""
    fused: Counter = Counter()
    for ranking in (dense, sparse):
        for rank, doc in enumerate(ranking):
            fused[doc] += 1 / (k + rank + 1)
    return [doc for doc, _ in fused.most_common()]


VERDICT_HEADER = (
    "| model | accuracy | macro-F1 | "
    + " | ".join(f"F1 {x.value}" for x in LABELS)
    + " | recall disputed |\n|---|---:|---:|"
    + "---:|" * (len(LABELS) + 1)
)


def verdict_table(name: str, gold: list[Label], got: list[Label]) -> str:
    """One row under :data:`VERDICT_HEADER`."""
    from sklearn.metrics import f1_score

    names = [label.value for label in LABELS]
    per_class = f1_score(
        [g.value for g in gold], [p.value for p in got], labels=names, average=None, zero_division=0
    )
    macro = float(np.mean(per_class))
    accuracy = np.mean([g == p for g, p in zip(gold, got)])
    disputed = [p for g, p in zip(gold, got) if g == Label.DISPUTED]
    caught = sum(p == Label.DISPUTED for p in disputed) / len(disputed) if disputed else 0.0
    return (
        f"| {name} | {accuracy:.3f} | {macro:.3f} | "
        + " | ".join(f"{f:.3f}" for f in per_class)
        + f" | {caught:.3f} |"
    )


def calibration(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> tuple[float, str]:
    """Expected calibration error over equal-width bins, and the reliability table."""
    # Rounded: linspace's 0.30000000000000004 would put a confidence of 0.3 (suggestions
    # are rounded to 3 decimals) in the 0.2-0.3 bin.
    edges = np.round(np.linspace(0, 1, bins + 1), 9)
    where = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    lines = [
        "| confidence | claims | mean confidence | accuracy |",
        "|---|---:|---:|---:|",
    ]
    for b in range(bins):
        chosen = where == b
        if chosen.any():
            gap = abs(confidence[chosen].mean() - correct[chosen].mean())
            ece += gap * chosen.sum() / len(confidence)
            lines.append(
                f"| {edges[b]:.1f}-{edges[b + 1]:.1f} | {int(chosen.sum())} | "
                f"{confidence[chosen].mean():.3f} | {correct[chosen].mean():.3f} |"
            )
    return float(ece), "\n".join(lines)


def calibration_noise(
    confidence: np.ndarray, bins: int = 10, draws: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """The expected calibration error a perfectly calibrated model would show on these
    claims: each claim drawn right with probability its confidence, ``draws`` times. Returns
    the mean and the 95th percentile. With a few hundred claims this is not near zero, so an
    error below it says nothing more than that calibration cannot be faulted on so few."""
    rng = np.random.default_rng(seed)
    errors = [
        calibration(confidence, (rng.random(len(confidence)) < confidence).astype(float), bins)[0]
        for _ in range(draws)
    ]
    return float(np.mean(errors)), float(np.quantile(errors, 0.95))


def confusion_table(gold: list[Label], got: list[Label]) -> str:
    pairs = Counter(zip(gold, got))
    lines = [
        "| gold | " + " | ".join(x.value for x in LABELS) + " |",
        "|---|" + "---:|" * len(LABELS),
    ]
    for label in LABELS:
        lines.append(
            f"| {label.value} | " + " | ".join(str(pairs[(label, s)]) for s in LABELS) + " |"
        )
    return "\n".join(lines)
