"""Evidence retrieval and verdict quality: the sample corpus, and public data sets.

Without ``--dataset``: the sample corpus (``sample_corpus/sources`` and
``benchmarks/data/sample_claims.jsonl``, 30 claims written by the team, each with the source
file that covers it or none, and the verdict a reviewer would give), as a regression check:
recall@1 / recall@3 of the covering source for the workbench and a TF-IDF baseline, and the
verdict accuracy of the default stance model and of the rules against the majority class,
with a confusion table and the misses.

With ``--dataset ../shared/bench/scifact`` or ``climate-fever`` (never shipped): the corpus
ingested as one JSONL file and every claim searched and scored through the workbench
(:mod:`quality.public`). Printed, every baseline from the same run, on the held-in evaluation
part (SciFact's ``dev`` split; CLIMATE-FEVER's claims whose id hashes odd), with the hybrid's
weight and title boost tuned on the rest:

* retrieval at document level against the gold evidence: nDCG@10, recall@5 and recall@20 for
  dense alone, BM25 alone (the word index, title boost 0 and tuned), reciprocal rank fusion,
  and the hybrid's score fusion (tuned here, and at the shipped defaults);
* the suggested verdict (``verifier score --top-k 10``) against the gold label: accuracy,
  macro-F1, per-class F1, disputed recall and confusion, for the stance model the settings
  name (``VERIFIER_STANCE_MODEL=trained`` for the trained one) and the rules, on the same
  evidence, next to the majority class;
* calibration of each model's confidence: expected calibration error (10 bins), the error a
  perfectly calibrated model would show on as many claims (mean and 95th percentile of draws
  at the same confidences: on a few hundred claims it is 0.04-0.07), and the reliability table.

With ``--dataset ../shared/bench/checkthat2019-task1``: claim detection, the check-worthiness
score's mean average precision per debate (the CheckThat! 2019 measure), for the heuristic,
random order, and logistic regressions on the embedding plus the heuristic score (and the
neighbouring sentences' mean embedding) by leave-one-debate-out cross-validation
(:mod:`quality.checkworthiness`). Measurement only: the data set's terms allow research and
evaluation, so no model trained on it ships.

Run: .venv/bin/python benchmarks/bench_quality.py [--dataset ../shared/bench/scifact]
     [--home DIR]  (a data folder to keep between runs: the ingest is then done once)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from quality import checkworthiness, public, sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, help="a folder of ../shared/bench")
    parser.add_argument("--top-k", type=int, default=10, help="evidence per claim for verdicts")
    parser.add_argument("--home", type=Path, help="data folder to keep (default: a new one)")
    args = parser.parse_args()
    if args.dataset and (args.dataset / "sentences.jsonl").exists():
        checkworthiness.run(args.dataset)
    elif args.dataset:
        public.run(args.dataset, args.top_k, args.home)
    else:
        sample.run()


if __name__ == "__main__":
    main()
