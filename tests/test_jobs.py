"""Files of claims scored in the background (the Score page's jobs): one after another on a
worker thread, progress readable meanwhile, a file that cannot be scored failing its own job
with one line, and only the newest jobs kept."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from made_documents import make_weekly_tips

from verifier import pipeline
from verifier.jobs import JobState, ScoringJob, ScoringJobs
from verifier.workbench import Workbench

MANY = b"claim\n" + b"".join(f"{n} jets landed at the base.\n".encode() for n in range(400))
#: 1,200 claims: a second or more to score here, long after what a test does meanwhile.
LONGER = b"claim\n" + b"".join(f"{n} tanks crossed the river.\n".encode() for n in range(1200))
SHEET = b"Ref,Statement\nA-1,Spartak beat Zenit 2-1.\nA-2,\nA-3,Crews built helicopter pads.\n"


@pytest.fixture
def jobs(bench: Workbench, sources: Path) -> Iterator[ScoringJobs]:
    """Scoring jobs on a workbench with the test sources indexed."""
    pipeline.ingest(bench, [sources])
    made = ScoringJobs(bench, keep=2)
    yield made
    made.close()


def ended(job: ScoringJob, within: float = 60) -> ScoringJob:
    deadline = time.monotonic() + within
    while job.active:
        assert time.monotonic() < deadline, f"job {job.id} still {job.status()}"
        time.sleep(0.02)
    return job


def test_files_are_scored_in_the_background_one_after_another(jobs: ScoringJobs) -> None:
    first = jobs.submit("many.csv", MANY, 2, by="Dana")
    second = jobs.submit("desk/sheet.csv", SHEET, 2, "statement", "Column")
    # Sent at once; the second waits for the first.
    assert second.state is JobState.QUEUED and second.status() == "waiting for the file before it"
    assert [job.id for job in jobs.jobs()] == [second.id, first.id]
    assert first.label().startswith(f"#{first.id} many.csv, ") and first.label().endswith(
        " UTC by Dana"
    )
    ended(second)
    assert first.state is JobState.DONE and second.state is JobState.DONE
    assert first.finished is not None and second.finished is not None
    assert first.finished <= second.finished
    assert (first.done, first.total) == (400, 400)
    assert first.result is not None and len(first.result.results) == 400
    # The results are what score_upload gives: the rows, the file's columns, the counts.
    assert second.result is not None
    records = second.result.records()
    assert [(r["row"], r["ref"]) for r in records] == [(2, "A-1"), (4, "A-3")]
    assert second.status() == f"2 claim(s): {second.result.counts()}"
    assert jobs.get(second.id) is second


def test_a_file_that_cannot_be_scored_fails_its_job_in_one_line(jobs: ScoringJobs) -> None:
    missing = ended(jobs.submit("desk/sheet.csv", SHEET, column_field="Column"))
    assert missing.state is JobState.FAILED and missing.result is None
    assert missing.error == (
        "sheet.csv: no 'claim' column (found: ref, statement); "
        "name the column that holds the claims (Column), or add a 'claim' one"
    )
    assert missing.status() == f"failed: {missing.error}"
    binary = ended(jobs.submit("claims.csv", b"\x00\x01\x02 not text"))
    assert binary.state is JobState.FAILED and "\n" not in binary.error
    assert binary.error.startswith("claims.csv")
    # The worker goes on with the next file.
    fine = ended(jobs.submit("sheet.csv", SHEET, column="statement"))
    assert fine.state is JobState.DONE
    assert not list((jobs.bench.settings.home / "uploads").iterdir())  # nothing staged is left


def test_what_reading_a_file_noted_comes_with_its_results(
    jobs: ScoringJobs, tmp_path: Path
) -> None:
    """A week's tips on each sheet: the claims of the first are scored, and the results say
    which sheets were not read (the page shows it), naming the file as uploaded."""
    sheets = ended(jobs.submit("tips.xlsx", make_weekly_tips("Spartak beat Zenit 2-1.")))
    assert sheets.result is not None and len(sheets.result.results) == 1
    assert sheets.result.warnings == (
        "tips.xlsx: read the first sheet, 'Week 1', of 2; not 'Week 2': move their rows onto "
        "it, or save each sheet as a file of its own",
    )
    said = (
        "claim\nРоссия перебросила 28 самолётов на авиабазу в Латакии (сообщили в министерстве).\n"
        "Президент Владимир Путин заявил: без сирийской армии победить террористов нельзя.\n"
    ).encode("cp1251")
    read = ended(jobs.submit("old.csv", said))
    assert read.result is not None, read.error
    [warning] = read.result.warnings
    assert warning.startswith("old.csv: not UTF-8, read as ")
    assert ended(jobs.submit("sheet.csv", SHEET, column="statement")).result.warnings == ()  # type: ignore[union-attr]


def test_only_the_newest_jobs_are_kept_and_a_running_one_never_goes(jobs: ScoringJobs) -> None:
    done = [ended(jobs.submit(f"s{n}.csv", SHEET, column="statement")) for n in range(3)]
    assert [job.id for job in jobs.jobs()] == [done[2].id, done[1].id]
    assert jobs.get(done[0].id) is None
    # A long file, then two sent behind it: none has ended, so all three are kept for
    # now, beyond the two, with the newest that ended; the oldest goes once a fourth is
    # sent after they ended.
    batch = [jobs.submit("t0.csv", MANY)]
    batch += [jobs.submit(f"t{n}.csv", SHEET, column="statement") for n in (1, 2)]
    assert [job.id for job in jobs.jobs()] == [job.id for job in reversed(batch)] + [done[2].id]
    for job in batch:
        ended(job)
    last = ended(jobs.submit("u.csv", SHEET, column="statement"))
    assert [job.id for job in jobs.jobs()] == [last.id, batch[2].id]


def test_closed_jobs_finish_the_file_being_scored_and_fail_the_queued(
    jobs: ScoringJobs,
) -> None:
    running = jobs.submit("long.csv", MANY)
    queued = jobs.submit("sheet.csv", SHEET, column="statement")
    while running.state is JobState.QUEUED:  # taken up by the worker (400 claims: ~0.3 s)
        time.sleep(0.002)
    jobs.close()
    assert ended(queued).state is JobState.FAILED and queued.finished is not None
    assert queued.error == "the app stopped scoring before this file's turn; send it again"
    assert ended(running).state is JobState.DONE and running.result is not None


def test_a_job_can_be_stopped_waiting_or_running(jobs: ScoringJobs) -> None:
    running = jobs.submit("long.csv", LONGER)
    waiting = jobs.submit("sheet.csv", SHEET, column="statement")
    after = jobs.submit("after.csv", SHEET, column="statement")
    # A file waiting its turn ends at once, never read.
    assert jobs.cancel(waiting.id) is waiting
    assert waiting.state is JobState.CANCELLED and waiting.finished is not None
    assert waiting.status() == "stopped; send the file again to score it"
    while running.done == 0:  # its first 64 claims scored
        time.sleep(0.002)
    jobs.cancel(running.id, by="Dana")
    assert ended(running).state is JobState.CANCELLED and running.result is None
    assert 0 < running.done < 1200
    assert running.status() == (
        f"stopped by Dana after {running.done} of 1200 claims; send the file again to score it"
    )
    # The worker goes on with the next file; the one stopped while waiting stays unread.
    assert ended(after).state is JobState.DONE
    assert (waiting.done, waiting.total, waiting.result) == (0, 0, None)
    # A job that has ended is left as it is.
    assert jobs.cancel(after.id, by="Dana") is after and after.state is JobState.DONE
    assert after.cancelled_by is None and jobs.cancel(999) is None
    assert not list((jobs.bench.settings.home / "uploads").iterdir())


def test_the_jobs_kept_hold_a_bounded_number_of_claims(jobs: ScoringJobs) -> None:
    jobs.keep, jobs.keep_claims = 10, 3
    first = ended(jobs.submit("a.csv", SHEET, column="statement"))  # 2 claims
    second = ended(jobs.submit("b.csv", SHEET, column="statement"))
    # 4 claims held, over 3: the older goes as the newer ends.
    assert jobs.jobs() == [second] and jobs.get(first.id) is None
    # The job that ended last stays, whatever it holds, even when a file sent after it
    # ended first (stopped while it waited).
    big = jobs.submit("many.csv", LONGER)
    stopped = jobs.submit("late.csv", SHEET, column="statement")
    jobs.cancel(stopped.id)
    assert stopped.state is JobState.CANCELLED and big.active
    ended(big)
    assert jobs.jobs() == [big]


def test_an_unexpected_error_fails_the_job_in_one_line_and_the_worker_goes_on(
    jobs: ScoringJobs,
) -> None:
    """A database broken under the app (its embedding cache dropped here) fails the file
    being scored with one line, not a traceback, and the next file is still taken up."""
    with jobs.bench.db.writing() as session:
        session.execute(sa.text("DROP TABLE embeddings"))
    broken = ended(jobs.submit("sheet.csv", SHEET, column="statement"))
    assert broken.state is JobState.FAILED and "\n" not in broken.error
    # (SQLite says OperationalError, PostgreSQL ProgrammingError.)
    assert re.match(
        r"scoring stopped on an unexpected error \((Operational|Programming)Error: ", broken.error
    )
    assert broken.error.endswith("); send it again")
    assert "embeddings" in broken.error and len(broken.error) < 300
    after = ended(jobs.submit("again.csv", SHEET, column="statement"))
    assert after.state is JobState.FAILED  # still broken, but taken up and answered
