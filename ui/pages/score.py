"""Score page: a file of claims (a desk's sheet of claims going round, say) scored against the
sources as ``verifier score`` scores it, in the background (:class:`verifier.jobs.ScoringJobs`:
the reviewer may leave the page, or reload it, and come back): the suggestions in a table, and
the scored file to download in every table format. Scoring stores nothing but the embedding
cache; the claims can then be added for review as one list
(:func:`verifier.pipeline.add_scored_for_review`)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from ui import state
from ui.components import ENCODING_FIELD, encoding_picker, plain, verdict_picker, warnings_list
from verifier import pipeline
from verifier.errors import VerifierError
from verifier.export import FORMATS
from verifier.jobs import JobState, ScoringJob, ScoringJobs
from verifier.match import ScoredClaim
from verifier.pipeline import ScoredClaims
from verifier.readers import CLAIM_SUFFIXES
from verifier.workbench import Workbench

#: Claims the page scores at once; a longer file is pointed to ``verifier score``, which
#: writes as it goes rather than holding every record in the app's memory.
MOST = 5_000
JOB = "score-job"  # the id of the job this session sent last, or opened
COLUMN_FIELD = "Claim column (tables)"
NAMES = {"csv": "CSV", "xlsx": "Excel", "jsonl": "JSON Lines", "parquet": "Parquet"}
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/jsonl",
    "parquet": "application/vnd.apache.parquet",
}


def upload(bench: Workbench, jobs: ScoringJobs) -> None:
    """The file, its claim column and the evidence per claim; sent to be scored when
    submitted, and followed by this session (:data:`JOB`)."""
    with st.form("score-claims"):
        chosen = st.file_uploader(
            "Claims",
            type=[suffix.lstrip(".") for suffix in CLAIM_SUFFIXES],
            key="score-file",
            help="A .txt file holds one claim per line; a .csv, .xlsx (its first sheet with "
            "the claim column) or .jsonl file holds them in a column, and its other columns "
            "are kept.",
        )
        left, middle, right = st.columns([2, 2, 1])
        column = left.text_input(COLUMN_FIELD, value="claim", key="score-column")
        with middle:
            encoding = encoding_picker("score-encoding")
        top_k = right.number_input(
            "Evidence per claim", 1, 50, bench.settings.top_k, key="score-top-k"
        )
        submitted = st.form_submit_button("Score", type="primary")
    if not submitted:
        return
    if chosen is None:
        st.error(f"choose a file of claims first ({', '.join(CLAIM_SUFFIXES)})")
        return
    job = jobs.submit(
        chosen.name,
        chosen.getvalue(),
        int(top_k),
        column.strip() or "claim",
        COLUMN_FIELD,
        most=MOST,
        by=state.reviewer(),
        encoding=encoding,
        encoding_field=repr(ENCODING_FIELD),
    )
    st.session_state[JOB] = job.id


def watch(jobs: ScoringJobs) -> None:
    """While this session's job runs: its progress, redrawn each second (that part of the
    page alone); when it ends, the whole page again, with its results."""
    job = _followed(jobs)
    if job is None or not job.active:
        return

    @st.fragment(run_every=1.0)
    def progress() -> None:
        now = jobs.get(job.id)
        if now is None or not now.active:
            st.rerun(scope="app")
        assert now is not None
        share = now.done / now.total if now.total else 0.0
        st.progress(share, text=f"{now.name}: {now.status()}")
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.caption("Scoring goes on if you leave this page: come back to it for the results.")
        if right.button(
            "Stop scoring",
            key=f"score-stop-{now.id}",
            disabled=now.cancelled_by is not None,
            icon=":material/stop_circle:",
            help="A file waiting its turn is dropped; a file being scored stops after the "
            "claims in hand, and its results are not kept.",
        ):
            jobs.cancel(now.id, by=state.reviewer())
            st.rerun(scope="app")  # a waiting file has ended: its line, in place of this

    progress()


def results(jobs: ScoringJobs) -> ScoringJob | None:
    """The job this session follows, once ended: its error line, or its scored file
    (:func:`scored_file`); any other ended job can be opened instead. Returns the job shown,
    when it scored its file."""
    ended = {job.id: job for job in jobs.jobs() if not job.active}
    if not ended:
        return None
    followed = _followed(jobs)
    if followed is not None and followed.active:
        return None  # this session's file is still being scored (see watch)
    first = followed.id if followed is not None else next(iter(ended))
    picked = st.selectbox(
        "Scored files",
        list(ended),
        index=list(ended).index(first),
        format_func=lambda job_id: f"{ended[job_id].label()}: {ended[job_id].status()}",
        # The file followed is the one shown: a widget of its own for each.
        key=f"score-shown-{first}",
        help=f"Files scored on this workbench since the app started, by anyone (the newest "
        f"{jobs.keep} are kept, {jobs.keep_claims:,} claims at most between them).",
    )
    shown = ended[picked]
    st.session_state[JOB] = shown.id
    if shown.state is JobState.CANCELLED:
        st.info(plain(f"{shown.name}: {shown.status()}."))
        return None
    if shown.result is None:
        st.error(plain(shown.error))
        return None
    scored_file(shown.name, shown.result)
    return shown


def scored_file(name: str, scored: ScoredClaims) -> None:
    """A file's scored claims: the counts, a table of suggestions, and the downloads."""
    repeated = (
        f"; {scored.duplicates} repeated claim(s) were scored once" if scored.duplicates else ""
    )
    st.success(
        plain(f"Scored {len(scored.results)} claim(s) from {name}: {scored.counts()}{repeated}.")
    )
    warnings_list(list(scored.warnings))  # read as another encoding, only one sheet read
    chosen = verdict_picker("Suggested verdicts", "score-verdicts", placeholder="All verdicts")
    rows = [
        {
            "row": row,
            "claim": result.claim,
            "suggested_verdict": result.suggestion.label.value,
            "confidence": result.suggestion.confidence,
            "best_source": _best_source(result),
            "reason": result.suggestion.reason,
        }
        for result, row in zip(scored.results, scored.rows)
        if not chosen or result.suggestion.label in chosen
    ]
    st.dataframe(
        pd.DataFrame(
            rows,
            columns=["row", "claim", "suggested_verdict", "confidence"] + ["best_source", "reason"],
        ),
        hide_index=True,
        column_config={
            "row": st.column_config.NumberColumn(width="small", help="Its line or row in the file"),
            "claim": st.column_config.TextColumn(width="large"),
            "confidence": st.column_config.NumberColumn(format="%.2f", width="small"),
            "suggested_verdict": st.column_config.TextColumn("suggestion", width="small"),
            "best_source": st.column_config.TextColumn("best source", width="medium"),
            "reason": st.column_config.TextColumn(width="large"),
        },
    )
    st.caption("Downloads hold every claim with its evidence, and the file's other columns.")
    stem = Path(name).stem
    for column, fmt in zip(st.columns(len(NAMES)), NAMES, strict=True):
        column.download_button(
            NAMES[fmt],
            data=partial(pipeline.scored_download, scored, fmt),
            file_name=f"{stem}-scored{FORMATS[fmt]}",
            mime=MIME[fmt],
            on_click="ignore",
            icon=":material/download:",
            key=f"score-download-{fmt}",
        )


def add_for_review(bench: Workbench, job: ScoringJob | None) -> None:
    """The scored claims saved as one list for review (as ``verifier claims import``), with
    the evidence and suggestions they were scored with: they join the review queue."""
    if job is None or job.result is None:
        return
    name, scored = job.name, job.result
    st.subheader("Review these claims")
    with st.form("score-add"):
        title = st.text_input(
            "List title",
            value=name,
            key=f"score-title-{name}",
            help="The claims are saved as one list under this title; adding the same claims "
            "again keeps them and their reviews.",
        )
        add = st.form_submit_button("Add to the review queue")
    if not add or not state.signed_in("adding claims for review"):
        return
    try:
        with st.spinner("Saving the claims with their evidence..."):
            saved = pipeline.add_scored_for_review(bench, scored, title.strip() or name)
    except VerifierError as error:
        st.error(plain(str(error)))
        return
    st.success(plain(f"{len(saved.claims)} claim(s) in the list '{saved.title}', to review."))
    st.page_link(
        "ui/pages/review.py",
        label="Open the list",
        icon=":material/fact_check:",
        query_params={"article": str(saved.id)},
    )


def _followed(jobs: ScoringJobs) -> ScoringJob | None:
    """The job this session sent or opened; a session that has none (a page reloaded, say)
    follows the newest file being scored, if one is."""
    job_id = st.session_state.get(JOB)
    if not isinstance(job_id, int):
        active = [job for job in jobs.jobs() if job.active]
        if not active:
            return None
        job_id = st.session_state[JOB] = active[0].id
    return jobs.get(job_id)


def _best_source(result: ScoredClaim) -> str:
    if not result.evidence:
        return ""
    best = result.evidence[0]
    return f"{best.document} ({best.outlet})" if best.outlet else best.document


def main() -> None:
    bench = state.workbench()
    st.header("Score claims")
    st.caption(
        "Each claim of a file gets its evidence and a suggested verdict, as `verifier score` "
        "gives them. Files are scored in the background, one after another, and kept until "
        "the app restarts; nothing is saved until you add the claims for review."
    )
    if bench.corpus.is_empty():
        st.info("No sources are indexed yet: add some on the Sources page first.")
        return
    jobs = state.scoring_jobs()
    upload(bench, jobs)
    watch(jobs)
    add_for_review(bench, results(jobs))


main()
