"""Claim memory: the similarity from which a claim counts as "checked before".

Pairs of sentences labelled same meaning or not are embedded with the workbench's embedder
(the settings' backend, as the app uses it) and each pair's cosine similarity is compared with
a threshold, alone and with :func:`verifier.claim_memory.differs` (a figure or a negation that
differs vetoes the match). Printed for each: precision, recall and F1 of "same meaning", next
to the baseline of the same run: word overlap (Jaccard of the normalised words) at its best
threshold on the same tuning pairs (exact text match finds none of these pairs).

Data:

* ``benchmarks/data/claim_pairs.jsonl``: 24 pairs written by the team from the sample
  article's claims: paraphrases, and near-misses that change a figure, a negation, an actor
  or the topic;
* ``../shared/bench/sick`` (when present; never shipped, CC BY-NC-SA): SICK's sentence pairs,
  "same meaning" where each sentence entails the other (``A_entails_B`` and
  ``B_entails_A``). The threshold is chosen on its train and trial splits (best F1 with the
  veto) and reported on its test split; no weights are trained.

Run: .venv/bin/python benchmarks/bench_claim_memory.py [--sick ../shared/bench/sick]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from verifier import Settings  # noqa: E402
from verifier.claim_memory import SAME_CLAIM_SIMILARITY, differs  # noqa: E402
from verifier.embed import make_embedder  # noqa: E402
from verifier.text import normalise  # noqa: E402

Pair = tuple[str, str, bool]
WORD = re.compile(r"\w+")


def load_sample() -> list[Pair]:
    rows = [json.loads(line) for line in (ROOT / "benchmarks/data/claim_pairs.jsonl").open()]
    return [(row["a"], row["b"], bool(row["same"])) for row in rows]


def load_sick(folder: Path) -> dict[str, list[Pair]]:
    splits: dict[str, list[Pair]] = {}
    for line in (folder / "pairs.jsonl").open():
        row = json.loads(line)
        same = row["entailment_AB"] == "A_entails_B" and row["entailment_BA"] == "B_entails_A"
        splits.setdefault(row["split"], []).append((row["premise"], row["hypothesis"], same))
    return splits


def scores(embedder: object, pairs: Sequence[Pair]) -> np.ndarray:
    left = embedder.embed([a for a, _, _ in pairs])  # type: ignore[attr-defined]
    right = embedder.embed([b for _, b, _ in pairs])  # type: ignore[attr-defined]
    return np.sum(left * right, axis=1)


def overlap(pairs: Sequence[Pair]) -> np.ndarray:
    """Word overlap (Jaccard) of each pair, after normalising case, quotes and spacing."""
    found = []
    for a, b, _ in pairs:
        left, right = set(WORD.findall(normalise(a))), set(WORD.findall(normalise(b)))
        found.append(len(left & right) / max(len(left | right), 1))
    return np.array(found)


def prf(predicted: Sequence[bool], gold: Sequence[bool]) -> tuple[float, float, float]:
    hits = sum(p and g for p, g in zip(predicted, gold))
    precision = hits / max(sum(predicted), 1)
    recall = hits / max(sum(gold), 1)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def predictions(
    pairs: Sequence[Pair], similarity: np.ndarray, threshold: float, veto: bool
) -> list[bool]:
    return [
        bool(s >= threshold) and not (veto and differs(a, b))
        for (a, b, _), s in zip(pairs, similarity)
    ]


def best_threshold(
    pairs: Sequence[Pair], similarity: np.ndarray, veto: bool, low: float = 0.3
) -> tuple[float, float]:
    """The threshold (0.01 steps) with the best F1 on ``pairs``, and that F1."""
    gold = [same for _, _, same in pairs]
    found = (low, -1.0)
    for threshold in np.arange(low, 0.99, 0.01):
        f1 = prf(predictions(pairs, similarity, float(threshold), veto), gold)[2]
        if f1 > found[1]:
            found = (round(float(threshold), 2), f1)
    return found


def report(
    name: str,
    pairs: Sequence[Pair],
    similarity: np.ndarray,
    words: np.ndarray,
    threshold: float,
    word_threshold: float,
) -> None:
    gold = [same for _, _, same in pairs]
    base = prf(predictions(pairs, words, word_threshold, False), gold)
    print(f"\n{name}: {len(pairs)} pairs, {sum(gold)} same meaning")
    print(f"{'method':<44} {'precision':>9} {'recall':>7} {'F1':>6}  F1 vs baseline")
    rows = [
        (f"word overlap >= {word_threshold:.2f} (baseline)", base),
        (
            f"embedding >= {threshold:.2f}",
            prf(predictions(pairs, similarity, threshold, False), gold),
        ),
        (
            f"embedding >= {threshold:.2f} + figure/negation veto",
            prf(predictions(pairs, similarity, threshold, True), gold),
        ),
    ]
    for label, (p, r, f) in rows:
        print(f"{label:<44} {p:>9.3f} {r:>7.3f} {f:>6.3f}  {f / base[2]:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sick", type=Path, default=ROOT.parent / "shared/bench/sick")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        embedder = make_embedder(Settings.from_env(home=Path(home)))
    print(f"embedder: {embedder.name}; shipped threshold {SAME_CLAIM_SIMILARITY:.2f}")
    sample = load_sample()
    sample_scores = scores(embedder, sample)
    word_threshold = 0.6  # without SICK to tune it on
    if (args.sick / "pairs.jsonl").exists():
        splits = load_sick(args.sick)
        tune = splits["train"] + splits["trial"]
        chosen, f1 = best_threshold(tune, scores(embedder, tune), veto=True, low=0.6)
        word_threshold, word_f1 = best_threshold(tune, overlap(tune), veto=False)
        print(f"SICK train+trial ({len(tune)} pairs): embedding + veto best F1 {f1:.3f} at")
        print(f"  {chosen:.2f}; word overlap best F1 {word_f1:.3f} at {word_threshold:.2f}")
        test = splits["test"]
        test_scores = scores(embedder, test)
        for threshold in sorted({chosen, SAME_CLAIM_SIMILARITY}):
            report("SICK test", test, test_scores, overlap(test), threshold, word_threshold)
    else:
        print(f"({args.sick} not found: SICK skipped)")
    report(
        "sample claim pairs",
        sample,
        sample_scores,
        overlap(sample),
        SAME_CLAIM_SIMILARITY,
        word_threshold,
    )
    print("\nsample pairs, similarity and verdict at the shipped threshold:")
    for (a, b, same), s in zip(sample, sample_scores):
        taken = s >= SAME_CLAIM_SIMILARITY and not differs(a, b)
        mark = "ok " if taken == same else "ERR"
        print(f"  {mark} {s:.3f} same={same!s:<5} {a[:48]!r} ~ {b[:48]!r}")


if __name__ == "__main__":
    main()
