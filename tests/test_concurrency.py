"""Simultaneous verdict saves, from threads sharing one workbench (as the app's sessions do)
and from separate processes, on SQLite and PostgreSQL: every save is whole and kept.

Each round, every writer saves the same fresh claim at the same moment (a barrier), so the
first verdict of a claim is also raced. Afterwards each claim's history must be one chain
(each change starts from the label the previous one set), hold every save, and end with the
verdict as stored: label, note and reviewer from one save, never mixed.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

from conftest import make_claims, run_threads
from fakes import HashEmbedder, SlowEmbedder

from verifier import pipeline
from verifier.config import Settings
from verifier.db.models import Verdict
from verifier.errors import ConflictError
from verifier.labels import Label
from verifier.review import history
from verifier.workbench import Workbench

WRITERS = 6
#: Rounds per test; VERIFIER_STRESS_ROUNDS=400 makes it the probe the issue was checked with.
ROUNDS = int(os.environ.get("VERIFIER_STRESS_ROUNDS", "20"))
LABELS = list(Label)


def save_rounds(bench: Workbench, claims: list[int], who: str, barrier: object) -> None:
    for n, claim_id in enumerate(claims):
        barrier.wait()  # type: ignore[attr-defined]
        label = LABELS[(n + hash(who)) % len(LABELS)]
        pipeline.review_claim(bench, claim_id, label, who, note=f"{who}|{label.value}|{n}")


def _process_writer(settings: Settings, claims: list[int], who: str, barrier: object) -> None:
    with Workbench.open(settings, repair=False, embedder=HashEmbedder()) as bench:
        save_rounds(bench, claims, who, barrier)


def assert_whole(bench: Workbench, claims: list[int], saves_per_claim: int) -> None:
    for claim_id in claims:
        with bench.db.session() as session:
            changes = history(session, claim_id)
            verdict = session.get(Verdict, claim_id)
        assert verdict is not None
        assert len(changes) == saves_per_claim, "a save is missing from the history"
        previous = None
        for change in changes:
            assert change.from_label == previous, "two saves acted on the same verdict"
            assert change.note is not None
            assert change.note.split("|")[:2] == [change.changed_by, change.to_label.value]
            previous = change.to_label
        last = changes[-1]
        assert (verdict.label, verdict.note, verdict.reviewer) == (
            last.to_label,
            last.note,
            last.changed_by,
        ), "the verdict is not the last change"


def test_threads_sharing_one_workbench_never_tear_a_verdict(bench: Workbench) -> None:
    claims = make_claims(bench, ROUNDS)
    barrier = threading.Barrier(WRITERS)

    def writer(who: str) -> None:
        try:
            save_rounds(bench, claims, who, barrier)
        except BaseException:
            barrier.abort()  # the others stop waiting for this one
            raise

    errors = run_threads(writer, [f"thread-{n}" for n in range(WRITERS)])
    assert not errors, errors[0]
    assert_whole(bench, claims, WRITERS)


def test_processes_never_tear_a_verdict(bench: Workbench) -> None:
    claims = make_claims(bench, ROUNDS)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WRITERS)
    processes = [
        context.Process(
            target=_process_writer, args=(bench.settings, claims, f"process-{n}", barrier)
        )
        for n in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0] * WRITERS
    assert_whole(bench, claims, WRITERS)


def test_a_save_waits_at_most_a_moment_during_a_long_ingest(
    settings: Settings, tmp_path: Path
) -> None:
    """An ingest embeds outside its short write transactions: a reviewer saving meanwhile
    is not held up by the model (here 0.4 s a batch of 64 passages, 1,200 passages). Were
    the embedding inside the write transaction, a save would wait for most of the ingest;
    the bound is a share of the ingest's own time, so a loaded machine slows both alike."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(1200):
        (folder / f"doc{n:04}.txt").write_text(
            f"Report {n}. " + " ".join(f"Sentence {n}-{m} about the base." for m in range(8))
        )
    with Workbench.open(settings, upgrade=True, embedder=SlowEmbedder()) as bench:
        (claim_id,) = make_claims(bench, 1)
        waits: list[float] = []
        done = threading.Event()

        def ingest() -> None:
            try:
                pipeline.ingest(bench, [folder])
            finally:
                done.set()

        thread = threading.Thread(target=ingest)
        began = time.perf_counter()
        thread.start()
        while not done.is_set():
            started = time.perf_counter()
            pipeline.review_claim(bench, claim_id, Label.SUPPORTED, "desk", note="meanwhile")
            waits.append(time.perf_counter() - started)
            time.sleep(0.05)
        thread.join()
        took = time.perf_counter() - began
        with bench.db.session() as session:
            assert len(history(session, claim_id)) == len(waits)
    assert len(waits) >= 10, "the ingest was too quick to measure saves during it"
    assert max(waits) < took / 3, f"a save waited {max(waits):.2f} s of the ingest's {took:.1f} s"


def test_of_reviewers_who_opened_a_claim_at_once_only_the_first_save_lands(
    bench: Workbench,
) -> None:
    # Every writer had the claim open with no verdict (``seen=0``) and saves at the same
    # moment: one save lands, every other is told of it, and none replaces it unread.
    claims = make_claims(bench, ROUNDS)
    barrier = threading.Barrier(WRITERS)
    landed: list[tuple[int, str]] = []
    refused: list[tuple[int, str]] = []

    def writer(who: str) -> None:
        try:
            for claim_id in claims:
                barrier.wait()
                try:
                    pipeline.review_claim(bench, claim_id, "disputed", who, seen=0)
                    landed.append((claim_id, who))
                except ConflictError as error:
                    refused.append((claim_id, str(error)))
        except BaseException:
            barrier.abort()
            raise

    errors = run_threads(writer, [f"thread-{n}" for n in range(WRITERS)])
    assert not errors, errors[0]
    assert sorted(claim for claim, _ in landed) == claims
    assert len(refused) == len(claims) * (WRITERS - 1)
    first = dict(landed)
    for claim_id, line in refused:
        assert line.startswith(f"{first[claim_id]} marked claim #{claim_id} disputed at ")
    for claim_id in claims:
        with bench.db.session() as session:
            assert [c.changed_by for c in history(session, claim_id)] == [first[claim_id]]
