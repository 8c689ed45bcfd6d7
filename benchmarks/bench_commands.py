"""Whole commands, PyTorch fp32 against other embedding backends, each in its own data folder.

For each backend: ``verifier init`` (converts the model on first use; timed apart), then a
cold ``verifier ingest`` of SciFact abstracts and a cold ``verifier score`` of claims, each a
separate process timed from start to exit, with its peak memory. Printed: seconds, the ratio
to the PyTorch run, peak RSS, and how often the suggested verdicts agree with PyTorch's (all
claims, and the claims either run did not call unverified).

Data (read from ../shared/bench, never shipped): the first ``--abstracts`` abstracts of
SciFact's corpus, taking every abstract cited as evidence by a SciFact claim first (so claims
have their evidence); claims: SciFact's, then CLIMATE-FEVER's, then CheckThat! 2019 debate
sentences, up to ``--claims``.

Run: .venv/bin/python benchmarks/bench_commands.py [--abstracts 1000] [--claims 6000]
         [--backends torch auto]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from verifier import Label

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
VERIFIER = Path(sys.executable).with_name("verifier")
_PEAK = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def make_data(folder: Path, abstracts: int, claims: int) -> tuple[Path, Path]:
    scifact = rows(BENCH / "scifact/claims.jsonl")
    cited = {doc for claim in scifact for doc in claim["evidence_ids"]}
    corpus = rows(BENCH / "scifact/corpus.jsonl")
    corpus.sort(key=lambda doc: doc["id"] not in cited)  # evidence first, order kept
    docs = [{"id": d["id"], "title": d["title"], "text": d["text"]} for d in corpus[:abstracts]]
    texts = [c["claim"] for c in scifact]
    texts += [c["claim"] for c in rows(BENCH / "climate-fever/claims.jsonl")]
    texts += [s["text"] for s in rows(BENCH / "checkthat2019-task1/sentences.jsonl")]
    texts = list(dict.fromkeys(texts))[:claims]
    write_jsonl(folder / "abstracts.jsonl", docs)
    write_jsonl(folder / "claims.jsonl", [{"id": i, "claim": t} for i, t in enumerate(texts)])
    return folder / "abstracts.jsonl", folder / "claims.jsonl"


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds, peak RSS (MB) and output of one ``verifier`` command in its own process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(VERIFIER), *args],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"verifier {' '.join(args)} failed:\n{done.stderr}")
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 1024, done.stdout.strip()


def verdicts(path: Path) -> dict[int, str]:
    return {r["id"]: r["suggested_verdict"] for r in rows(path)}


def cpu_model() -> str:
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--abstracts", type=int, default=1000)
    parser.add_argument("--claims", type=int, default=6000)
    parser.add_argument("--backends", nargs="+", default=["torch", "auto"])
    args = parser.parse_args()
    print(f"cpu: {cpu_model()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        abstracts, claims = make_data(folder, args.abstracts, args.claims)
        print(f"data: {args.abstracts} SciFact abstracts, {args.claims} claims")
        results = {}
        for backend in args.backends:
            home = folder / backend
            # The rules, as when the figures in docs/benchmarks.md were taken; the default
            # trained stance model's cost a claim is measured by bench_stance.py.
            env = dict(
                os.environ,
                VERIFIER_HOME=str(home),
                VERIFIER_BACKEND=backend,
                VERIFIER_STANCE_MODEL="rules",
            )
            env.pop("VERIFIER_DB_URL", None)
            init_s, _, said = run(["init"], env)
            name = said.rsplit("embeddings by ", 1)[-1]
            ingest_s, ingest_mb, _ = run(["ingest", str(abstracts)], env)
            out = home / "scored.jsonl"
            score_s, score_mb, _ = run(["score", str(claims), "--out", str(out)], env)
            results[backend] = (name, init_s, ingest_s, ingest_mb, score_s, score_mb, out)
            print(
                f"{backend:14s} {name:40s} init {init_s:6.1f} s   ingest {ingest_s:6.1f} s"
                f" ({ingest_mb:5.0f} MB)   score {score_s:6.1f} s ({score_mb:5.0f} MB)",
                flush=True,
            )
        base = results[args.backends[0]]
        base_verdicts = verdicts(base[6])
        print(f"\nratios to {args.backends[0]} (whole commands, higher is faster):")
        for backend, (_, _, ingest_s, _, score_s, _, out) in results.items():
            mine = verdicts(out)
            same = sum(mine[i] == v for i, v in base_verdicts.items())
            decided = [
                i
                for i, v in base_verdicts.items()
                if Label.UNVERIFIED not in (v, mine[i]) or v != mine[i]
            ]
            same_decided = sum(mine[i] == base_verdicts[i] for i in decided)
            print(
                f"{backend:14s} ingest {base[2] / ingest_s:5.2f}x   score {base[4] / score_s:5.2f}x"
                f"   verdicts agree {same / len(base_verdicts):7.2%}"
                f" (on {len(decided)} claims either called supported/disputed:"
                f" {same_decided / max(len(decided), 1):7.2%})"
            )


if __name__ == "__main__":
    main()
