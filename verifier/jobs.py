"""Scoring that outlives a page: files of claims scored on a worker thread of the app's
process, one after another (:class:`ScoringJobs`), each job's progress readable while it runs
and its results kept until the app restarts. A desk's sheet of 5,000 claims takes minutes to
score (0.2 s a claim on the sample corpus); the reviewer who sent it may go on with other
pages, or reload, and come back for the results.

Jobs are held in memory, not in the database: they store nothing (scoring writes only the
embedding cache), and the results are for download or to be added for review
(:func:`verifier.pipeline.add_scored_for_review`). The newest :data:`KEEP` jobs are kept,
holding :data:`KEEP_CLAIMS` scored claims at most between them.
A job may be stopped (:meth:`ScoringJobs.cancel`): a queued file is never scored, a running
one stops after the claims in hand (:data:`verifier.pipeline.PROGRESS_CHUNK` at most).
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import partial

from verifier import pipeline
from verifier.errors import VerifierError
from verifier.pipeline import ScoredClaims
from verifier.readers import ENCODING_OPTION
from verifier.workbench import Workbench

log = logging.getLogger(__name__)

#: Jobs kept, newest first; an older finished job is forgotten, results and all.
KEEP = 10
#: Scored claims the kept jobs hold at most (about 5 KB each with 10 passages of evidence,
#: measured on the sample corpus: some 100 MB); beyond it the oldest finished jobs are
#: forgotten, though never the newest.
KEEP_CLAIMS = 20_000


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class _Stopped(Exception):
    """Raised from a running job's progress once it is cancelled: scoring stops there."""


@dataclass
class ScoringJob:
    """One file of claims to score, and what became of it. Written by the worker thread
    alone; readers see each field whole."""

    id: int
    name: str  # the file's name as uploaded
    by: str  # who sent it ('' when no reviewer name was given)
    submitted: datetime
    state: JobState = JobState.QUEUED
    done: int = 0
    total: int = 0
    result: ScoredClaims | None = None
    error: str = ""
    finished: datetime | None = None
    cancelled_by: str | None = None  # who stopped it ('' when no name was given)

    @property
    def active(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    def status(self) -> str:
        """One line: where the job stands."""
        if self.state is JobState.QUEUED:
            return "waiting for the file before it"
        if self.state is JobState.RUNNING:
            scored = f"{self.done} of {self.total} claims scored" if self.total else "reading it"
            return f"{scored}; stopping" if self.cancelled_by is not None else scored
        if self.state is JobState.FAILED:
            return f"failed: {self.error}"
        if self.state is JobState.CANCELLED:
            by = f" by {self.cancelled_by}" if self.cancelled_by else ""
            at = f" after {self.done} of {self.total} claims" if self.total else ""
            return f"stopped{by}{at}; send the file again to score it"
        assert self.result is not None
        return f"{len(self.result.results)} claim(s): {self.result.counts()}"

    def label(self) -> str:
        """How a list of jobs names it: ``#3 sheet.xlsx, 14:02 UTC by Dana``."""
        by = f" by {self.by}" if self.by else ""
        return f"#{self.id} {self.name}, {self.submitted:%H:%M} UTC{by}"

    def _progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        if self.cancelled_by is not None:
            raise _Stopped


class ScoringJobs:
    """Files of claims scored in the background against one workbench, in the order sent.

    Thread-safe: the app's sessions share one (``ui.state.scoring_jobs``). Scoring runs on one
    worker thread, so two desks' files never compete for the model. The thread is a daemon:
    stopping the app does not wait for a long file (scoring stores nothing to lose).
    """

    def __init__(self, bench: Workbench, keep: int = KEEP, keep_claims: int = KEEP_CLAIMS) -> None:
        self.bench = bench
        self.keep = keep
        self.keep_claims = keep_claims
        self._jobs: dict[int, ScoringJob] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[tuple[ScoringJob, Callable[[], ScoredClaims]]] = (
            queue.SimpleQueue()
        )
        self._closed = threading.Event()
        self._worker = threading.Thread(target=self._work, name="verifier-scoring", daemon=True)
        self._worker.start()

    def submit(
        self,
        name: str,
        data: bytes,
        top_k: int | None = None,
        column: str = "claim",
        column_field: str = "--column",
        most: int | None = None,
        by: str = "",
        encoding: str | None = None,
        encoding_field: str = ENCODING_OPTION,
    ) -> ScoringJob:
        """Queue the file ``name`` (its ``data`` as uploaded) to be scored as
        :func:`verifier.pipeline.score_upload` scores it; returns its job at once. A file that
        cannot be scored fails its job with the one line that says why."""
        with self._lock:
            job = ScoringJob(next(self._ids), name, by, datetime.now(UTC))
            self._jobs[job.id] = job
            self._forget_old()
        score = partial(
            pipeline.score_upload,
            self.bench,
            name,
            data,
            top_k,
            job._progress,
            column,
            column_field,
            most,
            encoding,
            encoding_field,
        )
        self._queue.put((job, score))
        return job

    def get(self, job_id: int) -> ScoringJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[ScoringJob]:
        """Every job kept, newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=_id, reverse=True)

    def cancel(self, job_id: int, by: str = "") -> ScoringJob | None:
        """Stop the job ``job_id``, on behalf of ``by``: a queued file ends at once, unscored;
        a running one ends after the claims in hand, its results dropped. A job that has
        ended, or is not kept, is left as it is. Returns the job, if kept."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not job.active or job.cancelled_by is not None:
                return job
            job.cancelled_by = by
            if job.state is JobState.QUEUED:
                self._end(job, None, "", JobState.CANCELLED)
        return job

    def close(self) -> None:
        """Stop scoring: the file being scored finishes; files queued, or sent later, fail
        with a line saying so."""
        self._closed.set()

    def _work(self) -> None:
        while True:
            job, score = self._queue.get()
            with self._lock:
                if job.state is not JobState.QUEUED:
                    continue  # cancelled while it waited
                if self._closed.is_set():
                    error = "the app stopped scoring before this file's turn; send it again"
                    self._end(job, None, error)
                    continue
                job.state = JobState.RUNNING
            try:
                scored = score()
                with self._lock:
                    self._end(job, scored, "")
                    self._forget_old()
            except _Stopped:
                self._end(job, None, "", JobState.CANCELLED)
            except VerifierError as error:
                self._end(job, None, str(error))
            except Exception as error:  # noqa: BLE001 (a worker thread: reported on the job)
                log.exception("scoring %s failed", job.name)
                unexpected = (
                    f"scoring stopped on an unexpected error ({_first_line(error)}); send it again"
                )
                self._end(job, None, unexpected)

    @staticmethod
    def _end(
        job: ScoringJob, result: ScoredClaims | None, error: str, state: JobState | None = None
    ) -> None:
        """The job's outcome, every field set before its state says it ended (done when it
        has a result, else failed, unless ``state`` says otherwise)."""
        job.result, job.error, job.finished = result, error, datetime.now(UTC)
        job.state = state or (JobState.DONE if result is not None else JobState.FAILED)

    def _forget_old(self) -> None:
        """Beyond :attr:`keep` jobs, or :attr:`keep_claims` scored claims held, the jobs that
        ended first go; a running or queued one stays, and so does the one that ended last
        (a file stopped while it waited may end before the one scored ahead of it)."""
        finished = sorted((job for job in self._jobs.values() if not job.active), key=_ended)
        held = sum(len(job.result.results) for job in finished if job.result is not None)
        for job in finished[:-1]:
            if len(self._jobs) <= self.keep and held <= self.keep_claims:
                break
            del self._jobs[job.id]
            held -= len(job.result.results) if job.result is not None else 0


def _id(job: ScoringJob) -> int:
    return job.id


def _ended(job: ScoringJob) -> tuple[datetime, int]:
    return (job.finished or job.submitted, job.id)


def _first_line(error: Exception, most: int = 160) -> str:
    """``OperationalError: no such table: embeddings`` of an error whose text runs on (a
    database error adds its SQL and parameters on further lines)."""
    lines = str(error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0] if lines else ''}".strip()
    return text if len(text) <= most else text[: most - 1] + "…"
