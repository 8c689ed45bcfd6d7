"""Sources page: upload files (or a folder's) or give web pages to ingest, list and search
the sources with their passage counts, remove sources, match the claims again after the
sources changed, and label outlets."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui import state
from ui.components import ENCODING_FIELD, date_field, encoding_picker, plain, warnings_list
from verifier import pipeline
from verifier.documents import list_sources
from verifier.errors import VerifierError
from verifier.ocr import SCANNED_IMAGE, SCANNED_PDF
from verifier.outlets import label_of, labels_for
from verifier.sources import SUPPORTED, WALKED
from verifier.views import list_articles
from verifier.workbench import Workbench

PAGE_ROWS = 100
TYPES = sorted(suffix.lstrip(".") for suffix in SUPPORTED)
FOLDER_TYPES = sorted(suffix.lstrip(".") for suffix in WALKED)  # images only when chosen
DETAILS = "For files that do not say"
COLUMN_FIELD = "Text column (tables)"
#: How the table names the formats of sources read by OCR.
READ_AS = {SCANNED_PDF: "pdf, read by OCR", SCANNED_IMAGE: "image, read by OCR"}


def upload(bench: Workbench) -> None:
    st.subheader("Add sources")
    # The chosen files stay after a refusal, to ingest again once the details are right (and
    # after an ingest: ingesting them again leaves them unchanged).
    with st.form("upload-sources"):
        files = st.file_uploader(
            "Files", type=TYPES, accept_multiple_files=True, key="upload-files"
        )
        folder = st.file_uploader(
            "Or a folder (every supported file in it but images)",
            type=FOLDER_TYPES,
            accept_multiple_files="directory",
            key="upload-folder",
        )
        pages = st.text_area(
            "Or web pages (one address per line)",
            key="upload-pages",
            placeholder="https://www.example.org/news/statement-on-latakia",
            help="Each page is fetched from the machine running verifier (10 s, within the "
            "file size limit) and kept as text with its title, outlet, address and date; "
            "adding an address again updates its source.",
        )
        with st.expander(DETAILS):
            outlet = st.text_input("Outlet", key="upload-outlet", placeholder="Wire Desk")
            published = date_field("Published", "upload-date")
            column = st.text_input(
                COLUMN_FIELD,
                value="text",
                key="upload-column",
                help="The column of a .csv or .xlsx file (its first sheet with it), or the "
                "field of a .jsonl file, that holds each row's text.",
            )
            encoding = encoding_picker("upload-encoding")
        submitted = st.form_submit_button("Ingest", type="primary")
    if not submitted or not state.signed_in("adding sources"):
        return
    chosen = [(item.name, item.getvalue()) for item in [*(files or []), *(folder or [])]]
    addresses = pages.split()
    bar = st.progress(0.0, text="Fetching the pages..." if addresses else "Reading the files...")

    def progress(done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=f"{done} of {total} passages embedded")

    try:
        fetched = pipeline.fetch_sources(bench, addresses) if addresses else []
        report = pipeline.ingest_uploads(
            bench,
            [*chosen, *fetched],
            progress,
            column.strip() or "text",
            f"{COLUMN_FIELD}, under {DETAILS!r}",
            matching=matched_again(bar, "whose evidence the new sources enter"),
            encoding=encoding,
            encoding_field=f"{ENCODING_FIELD!r}, under {DETAILS!r}",
            outlet=outlet.strip() or None,
            date=published.isoformat() if published else None,
        )
    except VerifierError as error:
        bar.empty()
        st.error(plain(str(error)))
        return
    bar.empty()
    st.session_state["sources-flash"] = report.summary()
    st.session_state["sources-warnings"] = report.warnings
    st.rerun()


def matched_again(bar: DeltaGenerator, why: str) -> pipeline.Progress:
    """Progress of the claims matched again after their evidence changed, on ``bar``."""

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"{done} of {total} claim(s) {why} matched again")

    return progress


def rematch(bench: Workbench) -> None:
    with bench.db.session() as session:
        count = sum(article.claims for article in list_articles(session))
    if not count:
        return
    left, right = st.columns([3, 1])
    left.caption(
        f"After adding sources, match the desk's {count} claim(s) again so their suggestions "
        "use them (reviewers' verdicts are kept)."
    )
    if not right.button("Match all claims again", key="rematch-all"):
        return
    if not state.signed_in("matching claims"):
        return
    bar = st.progress(0.0, text="Matching...")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"{done} of {total} claims matched")

    try:
        done = pipeline.match_claims(bench, progress=progress)
    except VerifierError as error:
        st.error(plain(str(error)))
        return
    bar.empty()
    st.success(f"{len(done)} claim(s) matched again")
    if fresh := pipeline.new_evidence_count(bench):
        st.info(
            f"{fresh} reviewed claim(s) have evidence from sources added or changed since "
            "their verdict: the Review queue's status 'new evidence' lists them."
        )


def listing(bench: Workbench) -> None:
    st.subheader("In the corpus")
    search = st.text_input("Search sources", key="sources-search", placeholder="title, outlet, URL")
    page = int(st.session_state.get("sources-page", 1))
    with bench.db.session() as session:
        rows, total = list_sources(session, search, PAGE_ROWS, (page - 1) * PAGE_ROWS)
        pages = max((total - 1) // PAGE_ROWS + 1, 1)
        if page > pages:  # fewer sources match now: the last page
            page = st.session_state["sources-page"] = pages
            rows, total = list_sources(session, search, PAGE_ROWS, (page - 1) * PAGE_ROWS)
        labels = labels_for(session, (row.outlet for row in rows))
    if pages > 1:
        st.number_input("Page", 1, pages, key="sources-page")
    st.caption(f"{total} source(s)" + (f", page {page} of {pages}" if pages > 1 else ""))
    table = st.dataframe(
        [
            {
                "title": row.title,
                "outlet": row.outlet or "",
                "label": label_of(labels, row.outlet, row.url) or "",
                "date": row.published.isoformat() if row.published else "",
                "passages": row.passages,
                "format": READ_AS.get(row.format, row.format),
                "link or path": row.url or row.uri,
                "added": row.ingested_at.strftime("%Y-%m-%d %H:%M"),
            }
            for row in rows
        ],
        key="sources-table",
        on_select="rerun",
        selection_mode="multi-row",
        hide_index=True,
    )
    picked = [rows[i].uri for i in table.selection.rows if i < len(rows)]
    if picked and st.button(f"Remove {len(picked)} selected source(s)", key="remove-picked"):
        remove(bench, picked)
    with st.form("remove-by-name", clear_on_submit=False):
        name = st.text_input(
            "Remove by path or URL",
            placeholder="/data/sources/old.txt or https://...",
            help="A file or folder path, a web URL or a uri, as listed above.",
        )
        if st.form_submit_button("Remove"):
            remove(bench, [name])


def outlet_labels(bench: Workbench) -> None:
    """The desk's labels for outlets: listed, set and cleared (an editor's, with accounts)."""
    st.subheader("Outlet labels")
    labels = pipeline.list_outlet_labels(bench)
    st.caption(
        "The desk's word on an outlet (state media, wire, official, satire...), shown next to "
        "every passage from it and in reports."
    )
    if labels:
        st.dataframe(
            [
                {
                    "outlet": item.outlet,
                    "label": item.label,
                    "note": item.note or "",
                    "set by": f"{item.set_by}, {item.set_at:%Y-%m-%d %H:%M} UTC",
                }
                for item in labels
            ],
            hide_index=True,
            key="outlet-labels",
        )
    if changes := pipeline.outlet_label_changes(bench):
        with st.expander(f"Label changes ({len(changes)})"):
            st.dataframe(
                [
                    {
                        "when": f"{change.changed_at:%Y-%m-%d %H:%M} UTC",
                        "by": change.changed_by,
                        "outlet": change.outlet,
                        "change": change.summary(),
                        "note": change.note or "",
                    }
                    for change in changes
                ],
                hide_index=True,
                key="outlet-label-changes",
            )
    with st.form("outlet-label"):
        left, middle, right = st.columns([2, 1, 2])
        outlet = left.text_input(
            "Outlet",
            placeholder="Northern Star Agency",
            help="As its sources name it, or a web domain (rt.com): that labels every source "
            "at an address on it (www.rt.com, de.rt.com), whatever its outlet's name.",
        )
        label = middle.text_input("Label", placeholder="state media", max_chars=64)
        note = right.text_input("Note (optional)", placeholder="Funded by the ministry")
        set_it, clear_it = st.columns([1, 1])
        saving = set_it.form_submit_button("Set label")
        clearing = clear_it.form_submit_button("Clear label")
    if not (saving or clearing) or not state.signed_in("labelling outlets"):
        return
    try:
        if saving:
            pipeline.label_outlet(bench, outlet, label, note, state.reviewer())
            done = f"{' '.join(outlet.split())} labelled {' '.join(label.split())}"
        else:
            pipeline.unlabel_outlet(bench, outlet, state.reviewer())
            done = f"Label of {' '.join(outlet.split())} cleared"
    except VerifierError as error:
        st.error(plain(str(error)))
        return
    st.session_state["sources-flash"] = done
    st.rerun()


def remove(bench: Workbench, names: list[str]) -> None:
    if not state.signed_in("removing sources"):
        return
    bar = st.progress(0.0, text="Removing...")
    try:
        done = pipeline.remove_sources(bench, names, matched_again(bar, "that cited them"))
    except VerifierError as error:
        bar.empty()
        st.error(plain(str(error)))
        return
    bar.empty()
    st.session_state["sources-flash"] = done.summary()
    st.rerun()


def main() -> None:
    bench = state.workbench()
    st.header("Sources")
    if flash := st.session_state.pop("sources-flash", None):
        st.success(plain(flash))
    warnings_list(st.session_state.pop("sources-warnings", []))
    upload(bench)
    rematch(bench)
    listing(bench)
    outlet_labels(bench)


main()
