"""Review page: an article's claims with their suggestion, evidence, verdict form, history."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.components import (
    PENDING,
    REVIEWED,
    appearance,
    badge,
    history_rows,
    new_evidence_note,
    plain,
    show_cited,
    show_passage,
    split_evidence,
)
from verifier import pipeline
from verifier.errors import ConflictError, VerifierError
from verifier.labels import Label
from verifier.views import ClaimView, article_claims, list_articles
from verifier.workbench import Workbench

LABELS = list(Label)
PAGE_CLAIMS = 25  # a long article opens as fast as a short one


def review_form(bench: Workbench, claim: ClaimView, reviewer: str) -> None:
    # The history as this session first showed it: a verdict given elsewhere since then is
    # reported on saving rather than replaced unread (the page itself is read afresh).
    seen = state.seen(claim.id, len(claim.history))
    options = {f"#{e.rank} {e.document} ({e.score:.2f})": e.passage_id for e in claim.evidence}
    chosen = [key for key, pid in options.items() if pid in claim.relied_on]
    with st.form(f"review-{claim.id}"):
        # Nothing is pre-selected but the desk's own verdict: a suggestion is not one.
        label = st.radio(
            "Verdict",
            LABELS,
            index=LABELS.index(claim.label) if claim.label else None,
            format_func=lambda item: item.value,
            horizontal=True,
            key=f"label-{claim.id}",
        )
        # A fresh note each time: the last one (shown above) was its author's, not yours.
        note = st.text_area("Note", key=f"note-{claim.id}")
        relied = st.multiselect(
            "Evidence relied on", list(options), default=chosen, key=f"ev-{claim.id}"
        )
        if st.form_submit_button("Save verdict"):
            if not reviewer:
                st.error("enter your name as reviewer in the sidebar first")
                return
            if label is None:
                st.error("pick a verdict first")
                return
            try:
                pipeline.review_claim(
                    bench, claim.id, label, reviewer, note, [options[k] for k in relied], seen
                )
            except ConflictError as error:
                state.saw(claim.id, len(claim.history))  # told now: saving again replaces it
                st.error(plain(str(error)))
            except VerifierError as error:
                st.error(plain(str(error)))
            else:
                state.saw(claim.id, seen + 1)
                st.success(f"Saved: {label.value}")
                st.rerun()


def heading(claim: ClaimView) -> str:
    """The claim's line: the reviewer's verdict in colour once decided; until then the
    suggestion, in grey and named as one."""
    if claim.label:
        return f"{badge(claim.label)} {plain(claim.text)}"
    if claim.suggested:
        return f":gray[suggested {claim.suggested.value}] {plain(claim.text)}"
    return f":gray[not matched] {plain(claim.text)}"


def show_claim(bench: Workbench, claim: ClaimView, reviewer: str) -> None:
    icon = REVIEWED if claim.reviewed else PENDING
    with st.expander(heading(claim), expanded=False, icon=icon):
        lines = []
        if claim.suggested:
            lines.append(f"suggested {badge(claim.suggested)} ({claim.confidence or 0:.2f})")
        else:
            lines.append("not matched yet")
        if claim.label:
            lines.append(f"reviewed {badge(claim.label)} by {plain(claim.reviewer or '')}")
            signed = plain(claim.signed_off_by) if claim.signed_off_by else None
            lines.append(f"signed off by {signed}" if signed else "awaits a sign-off")
        if claim.assigned:
            lines.append(f"assigned to {plain(claim.assigned.to)}")
        lines.append(
            f"chars {claim.start}–{claim.end} · check-worthiness {claim.checkworthiness:.2f}"
        )
        st.markdown(" · ".join(lines))
        if seen := appearance(claim):
            st.markdown(seen)
        if claim.reason:
            st.caption(plain(claim.reason))
        if claim.suggested_by:
            st.caption(
                f"suggested by {plain(claim.suggested_by.in_words())}",
                help=f"In full: {claim.suggested_by}",
            )
        if claim.note:
            st.caption(f"Note by {plain(claim.reviewer or '')}: {plain(claim.note)}")
        show_cited(claim.cited)
        shown, folded = split_evidence(claim.evidence)
        fresh = new_evidence_note(claim)
        for item in shown:
            show_passage(claim.text, item, item.passage_id in fresh)
        # Inside the claim's expander, where no second expander may open: a toggle instead.
        if folded and st.toggle(
            f"Show {len(folded)} passage(s) below the relevance threshold",
            key=f"weak-{claim.id}",
        ):
            for item in folded:
                show_passage(claim.text, item)
        review_form(bench, claim, reviewer)
        if claim.history:
            st.write("History")
            st.table(history_rows(claim.history))


def main() -> None:
    bench = state.workbench()
    if flash := st.session_state.pop("flash", None):
        st.success(flash)
    with bench.db.session() as session:
        found = list_articles(session)
    if not found:
        st.info("No article yet: add one on the 'Articles' page.")
        return
    titles = {a.id: f"{a.title} (#{a.id})" for a in found}
    ids = list(titles)
    linked = st.query_params.get("article", "")
    default = int(linked) if linked.isdigit() else ids[0]
    article_id: int = st.selectbox(
        "Article",
        ids,
        index=ids.index(default) if default in ids else 0,
        format_func=lambda key: titles[key],
    )
    st.query_params["article"] = str(article_id)  # the page's URL names the article
    summary = next(a for a in found if a.id == article_id)
    st.header(plain(titles[article_id]))
    st.progress(
        summary.reviewed / summary.claims if summary.claims else 0.0,
        text=f"{summary.reviewed} of {summary.claims} claims reviewed",
    )
    pages = max((summary.claims - 1) // PAGE_CLAIMS + 1, 1)
    page = 1
    if pages > 1:
        page = int(st.number_input(f"Page (of {pages})", 1, pages, key=f"page-{article_id}"))
    with bench.db.session() as session:
        claims = article_claims(session, article_id, PAGE_CLAIMS, (page - 1) * PAGE_CLAIMS)
    reviewer = state.reviewer()
    if not reviewer:
        st.warning("Enter your name as reviewer in the sidebar to record verdicts.")
    for claim in claims:
        show_claim(bench, claim, reviewer)


main()
