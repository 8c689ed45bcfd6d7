"""Retrieval recall and verdict accuracy on the sample corpus (the regression check)."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sklearn.feature_extraction.text import TfidfVectorizer

from verifier import Label, Settings, Workbench, pipeline
from verifier.db.models import Document, Passage
from verifier.stance import make_stance_model

ROOT = Path(__file__).resolve().parents[2]
LABELS = list(Label)


def source_name(uri: str) -> str:
    """File name of a passage's document uri (``path`` or ``path#id=...``)."""
    return Path(uri.split("#")[0]).name


def run() -> None:
    cases = [
        json.loads(line)
        for line in (ROOT / "benchmarks/data/sample_claims.jsonl").read_text().splitlines()
    ]
    claims = [case["claim"] for case in cases]
    covered = [i for i, case in enumerate(cases) if case["source"]]
    with tempfile.TemporaryDirectory() as home:
        # VERIFIER_BACKEND (and the other VERIFIER_* settings) apply; the data folder is new.
        bench = Workbench.open(Settings.from_env(home=Path(home)), upgrade=True)
        print(f"embedder: {bench.embedder.name}")
        pipeline.ingest(bench, [ROOT / "sample_corpus/sources"])
        results = pipeline.score_claims(bench, claims, top_k=3)
        # The rules on the same data, next to the default stance model (the trained one).
        scored = {bench.stance.name: results}
        if "rules" not in scored:
            bench.stance = make_stance_model("rules")
            scored["rules"] = pipeline.score_claims(bench, claims, top_k=3)
        with bench.db.session() as session:
            passages = session.execute(
                sa.select(Passage.id, Passage.text, Document.uri).join(Document)
            ).all()
        by_id = {pid: source_name(uri) for pid, _, uri in passages}
        bench.close()

    dense_top = [[by_id[e.passage_id] for e in r.evidence] for r in results]
    tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    matrix = tfidf.fit_transform([text for _, text, _ in passages])
    scores = (tfidf.transform(claims) @ matrix.T).toarray()
    order = np.argsort(-scores, axis=1)[:, :3]
    tfidf_top = [[source_name(passages[j][2]) for j in row] for row in order]

    def recall(tops: list[list[str]], k: int) -> float:
        return sum(cases[i]["source"] in tops[i][:k] for i in covered) / len(covered)

    print(f"{len(cases)} claims, {len(covered)} covered by a source; {len(passages)} passages")
    for k in (1, 3):
        dense, sparse = recall(dense_top, k), recall(tfidf_top, k)
        ratio = f"{dense / sparse:.2f}x" if sparse else "n/a"
        print(f"recall@{k}:  dense {dense:.1%}   tf-idf {sparse:.1%}   ({ratio} the baseline)")

    expected = [Label.parse(case["label"]) for case in cases]
    majority = Counter(expected).most_common(1)[0]
    baseline = majority[1] / len(cases)
    for name, found in scored.items():
        verdicts(name, cases, expected, found, baseline)
    print(f"majority baseline ('{majority[0]}'): {baseline:.1%}")


def verdicts(
    name: str, cases: list[dict], expected: list[Label], results: list, baseline: float
) -> None:
    """Accuracy against the majority class, confusion and the misses of one stance model."""
    suggested = [r.suggestion.label for r in results]
    accuracy = np.mean([s == e for s, e in zip(suggested, expected)])
    print(f"\n{name}: verdict accuracy {accuracy:.1%}   ({accuracy / baseline:.2f}x the majority)")
    print("confusion (rows expected, columns suggested):")
    print(" " * 12 + "".join(f"{label:>12}" for label in LABELS))
    pairs = Counter(zip(expected, suggested))
    for label in LABELS:
        print(f"{label:>12}" + "".join(f"{pairs[(label, s)]:>12}" for s in LABELS))
    for case, result in zip(cases, results):
        if result.suggestion.label != case["label"]:
            print(f"miss: expected {case['label']}, got {result.suggestion.label}: {case['claim']}")
            print(f"      reason: {result.suggestion.reason}")
