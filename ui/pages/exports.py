"""Exports page: pick claims with the report's filters, preview them, download every format
and the verdict and assignment histories of the claims picked;
import verdicts decided in a spreadsheet.

Every download is made by :func:`verifier.pipeline.export_files`, the code path of
``verifier export``, when its button is clicked. ClaimReview is built on request, so the
claims it cannot carry are listed by name before anything is published.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import pandas as pd
import streamlit as st

from ui import state
from ui.components import (
    ENCODING_FIELD,
    date_field,
    encoding_picker,
    plain,
    verdict_picker,
    warnings_list,
)
from verifier import pipeline
from verifier.assignments import assignees
from verifier.errors import VerifierError
from verifier.export import DOCUMENT_FORMATS, FORMATS, REPORT_FORMATS, ReportFilter
from verifier.labels import Label
from verifier.readers import WORKBOOK_SUFFIXES
from verifier.views import list_articles, list_reviewers
from verifier.workbench import Workbench

PREVIEW_ROWS = 100
LARGE = 20_000  # claims above which the page points to the CLI, which streams
PREVIEW_COLUMNS = [
    "claim_id",
    "article_title",
    "claim",
    "suggested_verdict",
    "confidence",
    "assigned_to",
    "verdict",
    "reviewer",
    "reviewed_at",
    "note",
]
NAMES = {
    "csv": "CSV",
    "xlsx": "Excel",
    "jsonl": "JSON Lines",
    "parquet": "Parquet",
    "html": "HTML report",
    "md": "Markdown",
}
HISTORY_NAMES = {**NAMES, "html": "HTML"}  # "History (HTML)", not "History (HTML report)"
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/jsonl",
    "parquet": "application/vnd.apache.parquet",
    "html": "text/html",
    "md": "text/markdown",
    "claimreview": "application/ld+json",
}
FILE_STEM = "verdict-report"


class History(NamedTuple):
    """How the page offers one history (:data:`verifier.export.TRAILS`)."""

    stem: str  # of the file's name
    label: str  # of its buttons
    icon: str
    caption: str  # above the buttons: what the files hold


HISTORIES = {
    "verdicts": History(
        "verdict-history",
        "History",
        ":material/history:",
        "Verdict history: every change of these claims' verdicts (who, when, from what, to "
        "what, note, evidence relied on, sign-off), a row each in a table, or in words in a "
        "readable HTML or Markdown page.",
    ),
    "assignments": History(
        "assignment-history",
        "Assignments",
        ":material/assignment_ind:",
        "Assignment history: every hand-over of these claims (who gave the claim from whom "
        "to whom, and when), a row each in a table, or in words in a readable page.",
    ),
}
BUILT = "claimreview-built"  # the ClaimReview files made for the current filters


def choose(bench: Workbench) -> ReportFilter:
    """The filters of ``verifier export``, as widgets."""
    with bench.db.session() as session:
        articles = list_articles(session)
        reviewers = list_reviewers(session)
        holders = assignees(session)
    titles = {a.id: f"{a.title} ({a.reviewed} of {a.claims} reviewed)" for a in articles}
    left, middle, assigned_col, right = st.columns(4)
    chosen = left.multiselect(
        "Articles",
        list(titles),
        format_func=lambda article_id: titles[article_id],
        placeholder="All articles",
        key="x-articles",
    )
    reviewer = middle.selectbox(
        "Reviewer", ["", *reviewers], format_func=lambda n: n or "Anyone", key="x-reviewer"
    )
    assigned_to = assigned_col.selectbox(
        "Assigned to", ["", *holders], format_func=lambda n: n or "Anyone", key="x-assigned"
    )
    verdicts = verdict_picker("Verdicts", "x-verdicts", right, placeholder="All verdicts")
    since_col, until_col, confidence_col, all_col = st.columns(4)
    since = date_field("Reviewed on or after", "x-since", since_col)
    until = date_field("Reviewed on or before", "x-until", until_col)
    confidence = confidence_col.slider(
        "Suggestion confidence at least", 0.0, 1.0, 0.0, 0.05, key="x-confidence"
    )
    everything = all_col.toggle(
        "Include claims not reviewed", key="x-all", help="Claims with only a suggestion."
    )
    signed_off = all_col.toggle(
        "Signed off only",
        key="x-signed",
        help="Only verdicts an editor signed off as they stand: what the desk publishes.",
    )
    changed = all_col.toggle(
        "Changed verdicts only",
        key="x-changed",
        help="Only verdicts changed from one label to another since first given: the "
        "corrections to publish.",
    )
    return ReportFilter(
        articles=tuple(chosen),
        reviewer=reviewer or None,
        verdicts=tuple(verdicts),
        since=since,
        until=until,
        reviewed_only=not everything,
        min_confidence=confidence or None,
        assigned_to=assigned_to or None,
        signed_off_only=signed_off,
        changed_only=changed,
    )


def _content(bench: Workbench, selection: ReportFilter, fmt: str, history: str | None) -> bytes:
    stem = HISTORIES[history].stem if history else FILE_STEM
    _, files = pipeline.export_files(bench, selection, fmt, name=stem, history=history)
    return files[f"{stem}{REPORT_FORMATS[fmt]}"]


def downloads(
    bench: Workbench, selection: ReportFilter, formats: list[str], history: str | None = None
) -> None:
    """One button per format, in a row that wraps (each label whole); each file is made when
    clicked. With ``history`` (``verdicts`` or ``assignments``), the files are that history
    of the claims picked."""
    offered = HISTORIES[history] if history else None
    row = st.container(horizontal=True, wrap=True)
    for fmt in formats:
        row.download_button(
            f"{offered.label} ({HISTORY_NAMES[fmt]})" if offered else NAMES[fmt],
            data=partial(_content, bench, selection, fmt, history),
            file_name=f"{offered.stem if offered else FILE_STEM}{REPORT_FORMATS[fmt]}",
            mime=MIME[fmt],
            on_click="ignore",
            icon=offered.icon if offered else ":material/download:",
            key=f"{history or 'download'}-{fmt}",
        )


def claimreview(bench: Workbench, selection: ReportFilter) -> None:
    """Build ClaimReview JSON-LD for the selection, name what it leaves out, offer both files."""
    settings = bench.settings
    st.subheader("ClaimReview (schema.org)")
    with st.form("claimreview"):
        left, right = st.columns(2)
        name = left.text_input("Publisher", value=settings.publisher_name or "")
        url = right.text_input("Publisher URL", value=settings.publisher_url or "")
        template = st.text_input(
            "Fact-check URL template",
            value=settings.factcheck_url or "",
            placeholder="https://desk.example.org/checks/{claim_id}",
            help="For articles without their own fact-check URL; {claim_id} and {article_id} "
            "are filled in.",
        )
        build = st.form_submit_button("Build ClaimReview")
    if build:
        try:
            publisher = pipeline.claimreview_publisher(
                settings, name, url.strip() or None, template.strip() or None
            )
            done, files = pipeline.export_files(
                bench, selection, "claimreview", publisher=publisher, name="claimreview"
            )
        except VerifierError as error:
            st.error(plain(str(error)))
            st.session_state.pop(BUILT, None)
        else:
            st.session_state[BUILT] = (selection, done, files)
    built = st.session_state.get(BUILT)
    if not built or built[0] != selection:  # built for other filters: build again
        return
    _, done, files = built
    st.success(f"{done.records} ClaimReview object(s) ready.")
    if done.skipped:
        st.warning(
            f"{len(done.skipped)} claim(s) left out:\n\n"
            + "\n".join(f"- {plain(s.describe())}" for s in done.skipped[:20])
            + (f"\n- and {len(done.skipped) - 20} more" if len(done.skipped) > 20 else "")
        )
    for column, (file_name, content) in zip(st.columns(2), files.items(), strict=True):
        column.download_button(
            "JSON-LD array" if file_name.endswith(".json") else "Script snippets",
            data=content,
            file_name=file_name,
            mime=MIME["claimreview"] if file_name.endswith(".json") else "text/html",
            on_click="ignore",
            icon=":material/download:",
            key=f"download-{file_name}",
        )


REPLACE_NEWER = "Replace verdicts given since the export"


def import_verdicts(bench: Workbench) -> None:
    """A verdict report filled in a spreadsheet (or any sheet of claim_id, verdict,
    reviewer, note, evidence) comes back, as with ``verifier review --import``."""
    st.subheader("Import verdicts")
    if flash := st.session_state.pop("x-flash", None):  # next to the button that was pressed
        st.success(plain(flash))
    warnings_list(st.session_state.pop("x-warnings", []))
    with st.form("import-verdicts"):
        upload = st.file_uploader(
            "A report filled in a spreadsheet, or a sheet of verdicts",
            type=["csv", *(suffix.lstrip(".") for suffix in WORKBOOK_SUFFIXES)],
            key="import-file",
            help="Columns claim_id, verdict, reviewer and optionally note and evidence (passage "
            "ids, or the report's own column). Rows without a verdict are skipped; rows that "
            "change nothing add nothing to the history. Signed in, you import your own "
            "verdicts: a blank reviewer is you.",
        )
        replace = st.checkbox(
            REPLACE_NEWER,
            key="import-replace",
            help="A report says how much of each claim's history it showed. A row left as "
            "exported never replaces a verdict given since; a row you changed is refused "
            "(nothing is imported) unless this is ticked.",
        )
        encoding = encoding_picker("import-encoding")
        submitted = st.form_submit_button("Import verdicts")
    if not submitted or not state.signed_in("importing verdicts"):
        return
    if upload is None:
        st.error("choose a .csv or .xlsx file of verdicts first")
        return
    try:
        imported = pipeline.import_review_upload(
            bench,
            upload.name,
            upload.getvalue(),
            state.signed_in_account(),
            replace_newer=replace,
            replace_option=f"'{REPLACE_NEWER}' ticked",
            encoding=encoding,
            encoding_field=repr(ENCODING_FIELD),
        )
    except VerifierError as error:
        st.error(plain(str(error)))
        return
    st.session_state["x-flash"] = f"Imported {imported.summary()} from {upload.name}."
    st.session_state["x-warnings"] = imported.warnings
    st.rerun()  # the counts and preview above now hold the imported verdicts


def main() -> None:
    bench = state.workbench()
    st.header("Export verdict reports")
    report_section(bench)
    import_verdicts(bench)


def report_section(bench: Workbench) -> None:
    """The report's filters, counts, preview and downloads."""
    selection = choose(bench)
    summary = pipeline.summarise_report(bench, selection)
    if not summary.claims:
        scope = "reviewed claims" if selection.reviewed_only else "claims"
        st.info(f"No {scope} match these filters.")
        return
    reviewed = sum(count for name, count in summary.verdicts.items() if name in set(Label))
    counts = st.columns(3)
    counts[0].metric("Claims", summary.claims)
    counts[1].metric("Reviewed", reviewed)
    agreement = summary.agreement
    counts[2].metric(
        "Suggestion kept",
        "—" if agreement is None else f"{agreement:.0%}",
        help="Reviewed claims whose verdict is the suggested one.",
    )
    rows = pipeline.preview_report(bench, selection, PREVIEW_ROWS)
    st.dataframe(
        pd.DataFrame(rows, columns=PREVIEW_COLUMNS),
        hide_index=True,
        column_config={
            "claim_id": st.column_config.NumberColumn("claim", width="small"),
            "article_title": st.column_config.TextColumn("article", width="medium"),
            "claim": st.column_config.TextColumn(width="large"),
            "confidence": st.column_config.NumberColumn(format="%.2f", width="small"),
        },
    )
    if summary.claims > PREVIEW_ROWS:
        st.caption(f"The first {PREVIEW_ROWS} of {summary.claims} claims; downloads hold all.")
    st.subheader("Download")
    if summary.claims > LARGE:
        st.caption(
            f"A download is made in the app's memory; for {summary.claims:,} claims "
            "`verifier export --out FILE` with the same filters streams to a file instead."
        )
    downloads(bench, selection, [*FORMATS, *DOCUMENT_FORMATS])
    for trail, offered in HISTORIES.items():
        # Only a history the claims picked have: an empty one has nothing to download.
        if pipeline.count_history(bench, selection, trail):
            st.caption(offered.caption)
            downloads(bench, selection, [*FORMATS, *DOCUMENT_FORMATS], history=trail)
    claimreview(bench, selection)


main()
