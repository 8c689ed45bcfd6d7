"""Evidence retrieval and verdict quality on the sample corpus, against simple baselines.

Data: ``sample_corpus/sources`` and ``benchmarks/data/sample_claims.jsonl``, 30 claims written
by the team, each with the source file that covers it (or none) and the verdict a reviewer
would give (22 supported, 4 disputed, 4 unverified).

Figures printed:
* recall@1 / recall@3 of the covering source: the workbench's embeddings + FAISS, and a
  TF-IDF baseline (scikit-learn, cosine over the same passages); ratio dense / TF-IDF;
* verdict accuracy of the suggestion, and of the majority-class baseline (always
  "supported"); a confusion table.

With ``--dataset ../shared/bench/NAME`` (``scifact`` or ``climate-fever``: ``corpus.jsonl``,
``claims.jsonl``, never shipped) it measures the public data set as a new user would: the
corpus ingested as one JSONL file, every claim scored, all in a new data folder. Printed,
with every baseline from the same run, on the held-in evaluation part (SciFact's ``dev``
split; for CLIMATE-FEVER, which has no split, the claims whose id hashes odd), while fusion
weights are tuned on the rest:

* retrieval at document level against the gold evidence (claims that have some): nDCG@10,
  recall@5 and recall@20 for dense (the workbench: embeddings + FAISS, a document ranked by
  its best passage), BM25 (``bm25s`` over title + text; and ``tantivy`` with the title a field
  of its own, boosted 1x and 0.5x, English stemming; and one field with stop words and
  stemming), and hybrids of dense with BM25: a
  min-max-normalised score combination with its weight tuned on the tuning part, and
  reciprocal rank fusion (k = 60);
* the suggested verdict (``verifier score --top-k 10``) against the gold label: accuracy,
  macro-F1, per-class F1 and confusion, next to the majority class of the tuning part;
* calibration of the suggestion's confidence: expected calibration error (10 bins) and the
  reliability table.

With ``--dataset ../shared/bench/checkthat2019-task1`` it measures claim detection: the
check-worthiness score's mean average precision per debate (the CheckThat! 2019 measure),
for today's heuristic (:func:`verifier.claims.checkworthiness`), random order (mean of 20
shuffles), and, by leave-one-debate-out cross-validation, a logistic regression on the
sentence's embedding plus the heuristic score (an experiment: nothing of it ships yet).

Run: .venv/bin/python benchmarks/bench_quality.py [--dataset ../shared/bench/scifact]
(``bm25s`` and ``tantivy`` come with the ``bench`` extra: ``pip install -e '.[bench]'``.)
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sklearn.feature_extraction.text import TfidfVectorizer

from verifier import Label, Settings, Workbench, pipeline
from verifier.db.models import Document, Passage

ROOT = Path(__file__).resolve().parents[1]
LABELS = list(Label)


def source_name(uri: str) -> str:
    """File name of a passage's document uri (``path`` or ``path#id=...``)."""
    return Path(uri.split("#")[0]).name


def sample() -> None:
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

    suggested = [r.suggestion.label for r in results]
    expected = [Label.parse(case["label"]) for case in cases]
    accuracy = np.mean([s == e for s, e in zip(suggested, expected)])
    majority = Counter(expected).most_common(1)[0]
    baseline = majority[1] / len(cases)
    print(
        f"verdict accuracy: {accuracy:.1%}   majority baseline ('{majority[0]}') {baseline:.1%}"
        f"   ({accuracy / baseline:.2f}x)"
    )
    print("confusion (rows expected, columns suggested):")
    print(" " * 12 + "".join(f"{label:>12}" for label in LABELS))
    pairs = Counter(zip(expected, suggested))
    for label in LABELS:
        print(f"{label:>12}" + "".join(f"{pairs[(label, s)]:>12}" for s in LABELS))
    for case, result in zip(cases, results):
        if result.suggestion.label != case["label"]:
            print(f"miss: expected {case['label']}, got {result.suggestion.label}: {case['claim']}")
            print(f"      reason: {result.suggestion.reason}")


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


def minmax(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    return {doc: (v - low) / (high - low) if high > low else 1.0 for doc, v in scores.items()}


def combine(dense: dict[str, float], sparse: dict[str, float], weight: float) -> list[str]:
    d, b = minmax(dense), minmax(sparse)
    fused = {doc: weight * d.get(doc, 0.0) + (1 - weight) * b.get(doc, 0.0) for doc in d | b}
    return sorted(fused, key=lambda doc: -fused[doc])


def rrf(dense: list[str], sparse: list[str], k: int = 60) -> list[str]:
    fused: Counter[str] = Counter()
    for ranking in (dense, sparse):
        for rank, doc in enumerate(ranking):
            fused[doc] += 1 / (k + rank + 1)
    return [doc for doc, _ in fused.most_common()]


def verdict_table(name: str, gold: list[Label], got: list[Label]) -> str:
    from sklearn.metrics import f1_score

    names = [label.value for label in LABELS]
    per_class = f1_score(
        [g.value for g in gold], [p.value for p in got], labels=names, average=None, zero_division=0
    )
    macro = float(np.mean(per_class))
    accuracy = np.mean([g == p for g, p in zip(gold, got)])
    return (
        f"| {name} | {accuracy:.3f} | {macro:.3f} | "
        + " | ".join(f"{f:.3f}" for f in per_class)
        + " |"
    )


def tantivy_scores(corpus: list[dict], texts: list[str], title_boost: float | None) -> list[dict]:
    """BM25 with ``tantivy``, top 100 documents a claim: title and text as separate fields
    (English stemming; the title boosted ``title_boost``), or with ``title_boost=None`` one
    field of title + text with English stop words removed and stemming (as bm25s reads it)."""
    import tantivy

    schema = tantivy.SchemaBuilder()
    schema.add_text_field("id", stored=True, tokenizer_name="raw")
    schema.add_text_field("title", tokenizer_name="en_stem")
    schema.add_text_field("body", tokenizer_name="en_stem")
    schema.add_text_field("all", tokenizer_name="en_stop_stem")
    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("english"))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )
    with tempfile.TemporaryDirectory() as folder:
        index = tantivy.Index(schema.build(), path=folder)
        index.register_tokenizer("en_stop_stem", analyzer)
        writer = index.writer(200_000_000, 1)
        for doc in corpus:
            title = doc.get("title") or ""
            writer.add_document(
                tantivy.Document(
                    id=str(doc["id"]), title=title, body=doc["text"], all=f"{title} {doc['text']}"
                )
            )
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        searcher = index.searcher()
        found = []
        for text in texts:
            if title_boost is None:
                query, _ = index.parse_query_lenient(text, ["all"])
            else:
                query, _ = index.parse_query_lenient(
                    text, ["title", "body"], field_boosts={"title": title_boost}
                )
            hits = searcher.search(query, 100).hits
            found.append({searcher.doc(a)["id"][0]: float(score) for score, a in hits})
        return found


def public(folder: Path, top_k: int) -> None:
    import bm25s

    corpus = read_jsonl(folder / "corpus.jsonl")
    claims = [c for c in read_jsonl(folder / "claims.jsonl") if c.get("claim")]
    texts = [c["claim"] for c in claims]
    with tempfile.TemporaryDirectory() as home:
        bench = Workbench.open(Settings.from_env(home=Path(home)), upgrade=True)
        print(
            f"# {folder.name}: {len(corpus)} documents, {len(claims)} claims; "
            f"embedder {bench.embedder.name}"
        )
        started = time.perf_counter()
        pipeline.ingest(bench, [folder / "corpus.jsonl"])
        print(f"ingest {time.perf_counter() - started:.1f} s")
        wide = pipeline.score_claims(bench, texts, top_k=100)
        scored = pipeline.score_claims(bench, texts, top_k=top_k)
        bench.close()

    def doc_of(uri: str) -> str:
        return uri.rsplit("#id=", 1)[-1]

    dense_scores: list[dict[str, float]] = []
    for result in wide:
        best: dict[str, float] = {}
        for item in result.evidence:
            doc = doc_of(item.uri)
            best[doc] = max(best.get(doc, -1.0), item.score)
        dense_scores.append(best)
    ids = [str(d["id"]) for d in corpus]
    tokens = bm25s.tokenize(
        [f"{d.get('title') or ''} {d['text']}" for d in corpus], stopwords="en", show_progress=False
    )
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    found, scores = retriever.retrieve(
        bm25s.tokenize(texts, stopwords="en", show_progress=False), k=100, show_progress=False
    )
    bm25_scores = [
        {ids[j]: float(s) for j, s in zip(row, srow)} for row, srow in zip(found, scores)
    ]

    started = time.perf_counter()
    fielded = {boost: tantivy_scores(corpus, texts, boost) for boost in (1.0, 0.5, None)}
    print(f"tantivy: three indexes made and searched in {time.perf_counter() - started:.1f} s")

    def ranked(scores: dict[str, float]) -> list[str]:
        return sorted(scores, key=lambda doc: -scores[doc])

    with_gold = [i for i, c in enumerate(claims) if c.get("evidence_ids")]
    tune = [i for i in with_gold if not evaluated(claims[i])]
    test = [i for i in with_gold if evaluated(claims[i])]
    golds = [set(map(str, claims[i]["evidence_ids"])) for i in range(len(claims))]

    def mean_ndcg(rows: list[int], rank: Callable[[int], list[str]]) -> float:
        return float(np.mean([ndcg(rank(i), golds[i]) for i in rows]))

    weights = [round(w, 2) for w in np.arange(0.0, 1.01, 0.05)]

    def tuned_weight(sparse: list[dict[str, float]]) -> tuple[float, float]:
        found = {
            w: mean_ndcg(tune, lambda i, w=w: combine(dense_scores[i], sparse[i], w))
            for w in weights
        }
        best = max(found, key=lambda w: found[w])
        return best, found[best]

    weight, tuned_ndcg = tuned_weight(bm25_scores)
    tantivy_weight, _ = tuned_weight(fielded[1.0])
    one_field_weight, _ = tuned_weight(fielded[None])
    print(
        f"\nretrieval: {len(test)} evaluated claims with gold evidence "
        f"({len(tune)} tuned the fusion weight: dense weight {weight:.2f}, "
        f"tuning nDCG@10 {tuned_ndcg:.3f}; with tantivy title x1: {tantivy_weight:.2f})\n"
    )
    print("| retriever | nDCG@10 | recall@5 | recall@20 |")
    print("|---|---:|---:|---:|")
    test_golds = [golds[i] for i in test]
    rows = {
        "BM25": [ranked(bm25_scores[i]) for i in test],
        "dense": [ranked(dense_scores[i]) for i in test],
        f"hybrid (score fusion, w={weight:.2f})": [
            combine(dense_scores[i], bm25_scores[i], weight) for i in test
        ],
        "hybrid (RRF, k=60)": [rrf(ranked(dense_scores[i]), ranked(bm25_scores[i])) for i in test],
        "BM25 (tantivy, title a field of its own, boost 1)": [
            ranked(fielded[1.0][i]) for i in test
        ],
        "BM25 (tantivy, title boost 0.5)": [ranked(fielded[0.5][i]) for i in test],
        "BM25 (tantivy, one field, stop words + stemming)": [
            ranked(fielded[None][i]) for i in test
        ],
        f"hybrid (score fusion with tantivy title x1, w={tantivy_weight:.2f})": [
            combine(dense_scores[i], fielded[1.0][i], tantivy_weight) for i in test
        ],
        f"hybrid (score fusion with tantivy one field, w={one_field_weight:.2f})": [
            combine(dense_scores[i], fielded[None][i], one_field_weight) for i in test
        ],
    }
    for name, rankings in rows.items():
        print(retrieval_row(name, rankings, test_golds))

    labelled = [i for i, c in enumerate(claims) if evaluated(c)]
    gold = [Label.parse(claims[i]["label"]) for i in labelled]
    got = [scored[i].suggestion.label for i in labelled]
    majority = Counter(Label.parse(c["label"]) for c in claims if not evaluated(c)).most_common(1)
    print(f"\nverdicts: {len(labelled)} evaluated claims, `--top-k {top_k}`\n")
    print("| model | accuracy | macro-F1 | " + " | ".join(f"F1 {x.value}" for x in LABELS) + " |")
    print("|---|---:|---:|" + "---:|" * len(LABELS))
    print(verdict_table("rules", gold, got))
    print(verdict_table(f"majority ({majority[0][0].value})", gold, [majority[0][0]] * len(gold)))
    pairs = Counter(zip(gold, got))
    print("\nconfusion of the rules (rows gold, columns suggested):\n")
    print("| gold | " + " | ".join(x.value for x in LABELS) + " |")
    print("|---|" + "---:|" * len(LABELS))
    for label in LABELS:
        print(f"| {label.value} | " + " | ".join(str(pairs[(label, s)]) for s in LABELS) + " |")

    confidence = np.array([scored[i].suggestion.confidence for i in labelled])
    correct = np.array([g == p for g, p in zip(gold, got)], dtype=float)
    edges = np.linspace(0, 1, 11)
    bins = np.clip(np.digitize(confidence, edges[1:-1]), 0, 9)
    ece = sum(
        abs(confidence[bins == b].mean() - correct[bins == b].mean()) * (bins == b).sum()
        for b in range(10)
        if (bins == b).any()
    ) / len(labelled)
    print(f"\ncalibration of the rules' confidence: expected calibration error {ece:.3f}\n")
    print("| confidence | claims | mean confidence | accuracy |")
    print("|---|---:|---:|---:|")
    for b in range(10):
        chosen = bins == b
        if chosen.any():
            print(
                f"| {edges[b]:.1f}-{edges[b + 1]:.1f} | {int(chosen.sum())} | "
                f"{confidence[chosen].mean():.3f} | {correct[chosen].mean():.3f} |"
            )


def average_precision(scores: np.ndarray, gold: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")
    hits = gold[order]
    if not hits.any():
        return 0.0
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits == 1].mean())


def checkworthiness_bench(folder: Path) -> None:
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
    features = np.hstack([vectors, heuristic[:, None]])
    trained = np.zeros(len(rows))
    for d in range(len(debates)):
        held = of == d
        model = LogisticRegression(C=0.5, class_weight="balanced", max_iter=2000)
        model.fit(features[~held], gold[~held])
        trained[held] = model.predict_proba(features[held])[:, 1]
    results = {
        "random order (20 shuffles)": (shuffled, []),
        "heuristic (verifier.claims.checkworthiness)": mean_ap(heuristic),
        "embedding + heuristic, logistic regression (leave-one-debate-out)": mean_ap(trained),
    }
    print("\n| scorer | MAP |")
    print("|---|---:|")
    for name, (value, _) in results.items():
        print(f"| {name} | {value:.3f} |")
    print("\n| debate | sentences | check-worthy | AP heuristic | AP trained |")
    print("|---|---:|---:|---:|---:|")
    _, per_heuristic = results["heuristic (verifier.claims.checkworthiness)"]
    _, per_trained = results["embedding + heuristic, logistic regression (leave-one-debate-out)"]
    for d, ap_h, ap_t in zip(scored, per_heuristic, per_trained):
        held = of == d
        print(
            f"| {debates[d]} | {int(held.sum())} | {int(gold[held].sum())} | "
            f"{ap_h:.3f} | {ap_t:.3f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, help="a folder of ../shared/bench")
    parser.add_argument("--top-k", type=int, default=10, help="evidence per claim for verdicts")
    args = parser.parse_args()
    if args.dataset and (args.dataset / "sentences.jsonl").exists():
        checkworthiness_bench(args.dataset)
    elif args.dataset:
        public(args.dataset, args.top_k)
    else:
        sample()


if __name__ == "__main__":
    main()
