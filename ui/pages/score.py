"""Score page: a file of claims (a desk's sheet of claims going round, say) scored against the
sources as ``verifier score`` scores it, through :func:`verifier.pipeline.score_upload`: the
suggestions in a table, and the scored file to download in every table format. Scoring
stores nothing but the embedding cache; the claims can then be added for review as one list
(:func:`verifier.pipeline.store_claim_list`)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from ui import state
from ui.components import plain
from verifier import pipeline
from verifier.errors import VerifierError
from verifier.export import FORMATS
from verifier.labels import Label
from verifier.match import ScoredClaim
from verifier.readers import CLAIM_SUFFIXES
from verifier.workbench import Workbench

#: Claims the page scores at once; a longer file is pointed to ``verifier score``, which
#: writes as it goes rather than holding every record in the app's memory.
MOST = 5_000
RESULT = "score-result"  # (file name, ScoredClaims) of the last file scored
COLUMN_FIELD = "Claim column (tables)"
NAMES = {"csv": "CSV", "xlsx": "Excel", "jsonl": "JSON Lines", "parquet": "Parquet"}
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/jsonl",
    "parquet": "application/vnd.apache.parquet",
}


def upload(bench: Workbench) -> None:
    """The file, its claim column and the evidence per claim; scored when submitted."""
    with st.form("score-claims"):
        chosen = st.file_uploader(
            "Claims",
            type=[suffix.lstrip(".") for suffix in CLAIM_SUFFIXES],
            key="score-file",
            help="A .txt file holds one claim per line; a .csv, .xlsx (its first sheet) or "
            ".jsonl file holds them in a column, and its other columns are kept.",
        )
        left, right = st.columns([3, 1])
        column = left.text_input(COLUMN_FIELD, value="claim", key="score-column")
        top_k = right.number_input(
            "Evidence per claim", 1, 50, bench.settings.top_k, key="score-top-k"
        )
        submitted = st.form_submit_button("Score", type="primary")
    if not submitted:
        return
    if chosen is None:
        st.error(f"choose a file of claims first ({', '.join(CLAIM_SUFFIXES)})")
        return
    bar = st.progress(0.0, text="Reading the file...")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"{done} of {total} claims scored")

    try:
        scored = pipeline.score_upload(
            bench,
            chosen.name,
            chosen.getvalue(),
            int(top_k),
            progress,
            column.strip() or "claim",
            COLUMN_FIELD,
            most=MOST,
        )
    except VerifierError as error:
        bar.empty()
        st.session_state.pop(RESULT, None)
        st.error(plain(str(error)))
        return
    bar.empty()
    st.session_state[RESULT] = (chosen.name, scored)


def results() -> None:
    """The last file scored: its counts, a table of suggestions, and the downloads."""
    if RESULT not in st.session_state:
        return
    name, scored = st.session_state[RESULT]
    repeated = (
        f"; {scored.duplicates} repeated claim(s) were scored once" if scored.duplicates else ""
    )
    st.success(
        plain(f"Scored {len(scored.results)} claim(s) from {name}: {scored.counts()}{repeated}.")
    )
    shown = st.multiselect(
        "Suggested verdicts",
        list(Label),
        format_func=lambda label: label.value,
        placeholder="All verdicts",
        key="score-verdicts",
    )
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
        if not shown or result.suggestion.label in shown
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


def add_for_review(bench: Workbench) -> None:
    """The scored claims saved as one list for review (as ``verifier claims import``), with
    the evidence and suggestions they were scored with: they join the review queue."""
    if RESULT not in st.session_state:
        return
    name, scored = st.session_state[RESULT]
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
        "gives them. Nothing is saved until you add the claims for review."
    )
    if bench.corpus.is_empty():
        st.info("No sources are indexed yet: add some on the Sources page first.")
        return
    upload(bench)
    results()
    add_for_review(bench)


main()
