"""What it costs an ingest to reach the claims already matched, with its baseline run in the
same process: matching every claim again ("Match all claims again", `verifier match`), what a
desk had to do before for a new source to reach its claims.

A corpus is stored, a list of claims is stored and matched (the default trained stance
model), then:

* baseline: every claim matched again (vectors from the cache);
* new sources are ingested: the claims they reach are found (each matched claim's evidence
  searched again) and matched again;
* the search alone (``pipeline.claims_reached_since``), what an ingest adds when its sources
  reach no claim;
* an unrelated source is ingested (it should reach none).

The corpus is synthetic (:mod:`bench_score`'s sentences; the new sources restate a few
claims), or with ``--dataset`` one of ../shared/bench's sets (``corpus.jsonl``,
``claims.jsonl``): the new sources are then the gold evidence documents of the first claims
that have any, held back from the corpus until then. Each step runs once (the steps change
the database); run the script twice to see the noise.

Run: .venv/bin/python benchmarks/bench_new_sources.py [--claims 500] [--passages 5000]
     .venv/bin/python benchmarks/bench_new_sources.py --claims 10000 --passages 20000
     .venv/bin/python benchmarks/bench_new_sources.py --dataset ../shared/bench/scifact --claims 200
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from bench_score import sentence

from verifier import Settings, Workbench, pipeline
from verifier.match import newest_passage_id
from verifier.sources import SourceDoc

#: Claims stored as one list (an article), under its 200,000 characters.
LIST_CLAIMS = 1000


def timed(fn):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def synthetic(args: argparse.Namespace, folder: Path) -> tuple[list[SourceDoc], list[str]]:
    """The synthetic corpus and claims; the new sources written to ``folder``, one restating
    each of the first ``--new`` claims."""
    rng = random.Random(11)
    docs = [
        SourceDoc(uri=f"bench://{i}", title=f"doc {i}", format="txt", text=sentence(rng))
        for i in range(args.passages)
    ]
    claims = list(dict.fromkeys(sentence(rng) for _ in range(args.claims)))
    for number, claim in enumerate(claims[: args.new]):
        said = claim.replace(" on day", ", officials said, on day")
        (folder / f"{number}.txt").write_text(f"{said}\n", encoding="utf-8")
    return docs, claims


def public(args: argparse.Namespace, folder: Path) -> tuple[list[SourceDoc], list[str]]:
    """A public set's corpus and first ``--claims`` claims; the gold evidence documents of
    the first ``--new`` claims that have any held back, written to ``folder`` as JSON Lines."""
    rows = [json.loads(line) for line in (args.dataset / "corpus.jsonl").open(encoding="utf-8")]
    records = [json.loads(line) for line in (args.dataset / "claims.jsonl").open(encoding="utf-8")]
    records = [r for r in records if r.get("claim")][: args.claims]
    held = {d for r in records if r.get("evidence_ids") for d in r["evidence_ids"][:1]}
    held = set(sorted(held)[: args.new])
    docs = [
        SourceDoc(
            uri=f"corpus://{r['id']}",
            title=r.get("title") or r["id"],
            format="jsonl",
            text=r["text"],
        )
        for r in rows
        if r["id"] not in held and r.get("text", "").strip()
    ]
    with (folder / "held.jsonl").open("w", encoding="utf-8") as out:
        for r in rows:
            if r["id"] in held:
                out.write(
                    json.dumps({"id": r["id"], "title": r.get("title"), "text": r["text"]}) + "\n"
                )
    return docs, list(dict.fromkeys(r["claim"] for r in records))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--passages", type=int, default=5000, help="synthetic corpus only")
    parser.add_argument("--new", type=int, default=5, help="new sources ingested")
    parser.add_argument("--dataset", type=Path, help="a ../shared/bench set")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        new = Path(home) / "new"
        new.mkdir()
        docs, claims = (public if args.dataset else synthetic)(args, new)
        bench = Workbench.open(Settings(home=Path(home)), upgrade=True)
        stored = bench.corpus.add(docs)
        for part in range(0, len(claims), LIST_CLAIMS):  # a list holds 200,000 characters
            chunk = claims[part : part + LIST_CLAIMS]
            pipeline.store_claim_list(bench, chunk, f"bench claims {part // LIST_CLAIMS + 1}")
        _, first_s = timed(lambda: pipeline.match_claims(bench))
        _, all_s = timed(lambda: pipeline.match_claims(bench))
        report, new_s = timed(lambda: pipeline.ingest(bench, [new]))
        with bench.db.session() as session:
            newest = newest_passage_id(session)
        _, search_s = timed(lambda: pipeline.claims_reached_since(bench, newest))
        unrelated = Path(home) / "snow.txt"
        unrelated.write_text("Snow closed three ski passes in the Alps on Friday.\n")
        far, far_s = timed(lambda: pipeline.ingest(bench, [unrelated]))
        stance = bench.stance.name
        bench.close()

    n = len(claims)
    corpus = args.dataset.name if args.dataset else "synthetic"
    print(f"corpus: {corpus}, {stored.passages} passages; {n} claims matched ({stance} stance)")
    print(f"first match:        {first_s:7.1f} s  ({first_s / n * 1000:.0f} ms a claim)")
    print(f"match all again:    {all_s:7.1f} s  (baseline, 1.00x)")
    print(
        f"ingest {report.added} new sources ({report.passages} passages): {new_s:.1f} s, "
        f"{all_s / new_s:.1f}x faster than matching all again; {report.rematched} claim(s) "
        "reached and matched again"
    )
    print(
        f"search for reached claims alone: {search_s:.2f} s ({search_s / all_s:.3f}x the "
        "baseline: what an ingest reaching no claim adds)"
    )
    print(
        f"ingest an unrelated source: {far_s:.2f} s ({far_s / all_s:.3f}x the baseline); "
        f"{far.rematched} claim(s) reached"
    )


if __name__ == "__main__":
    main()
