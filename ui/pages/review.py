"""Review page: an article's claims with their suggestion, evidence, verdict form, history."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.components import (
    PENDING,
    REVIEWED,
    badge,
    history_rows,
    plain,
    show_passage,
)
from verifier import pipeline
from verifier.errors import VerifierError
from verifier.labels import Label
from verifier.views import ClaimView, article_claims, list_articles
from verifier.workbench import Workbench

LABELS = list(Label)


def review_form(bench: Workbench, claim: ClaimView, reviewer: str) -> None:
    options = {f"#{e.rank} {e.document} ({e.score:.2f})": e.passage_id for e in claim.evidence}
    chosen = [key for key, pid in options.items() if pid in claim.relied_on]
    with st.form(f"review-{claim.id}"):
        label = st.radio(
            "Verdict",
            LABELS,
            index=LABELS.index(claim.shown),
            format_func=lambda item: item.value,
            horizontal=True,
            key=f"label-{claim.id}",
        )
        note = st.text_area("Note", value=claim.note or "", key=f"note-{claim.id}")
        relied = st.multiselect(
            "Evidence relied on", list(options), default=chosen, key=f"ev-{claim.id}"
        )
        if st.form_submit_button("Save verdict"):
            try:
                pipeline.review_claim(
                    bench, claim.id, label, reviewer, note, [options[k] for k in relied]
                )
            except VerifierError as error:
                st.error(plain(str(error)))
            else:
                st.success(f"Saved: {label.value}")
                st.rerun()


def show_claim(bench: Workbench, claim: ClaimView, reviewer: str) -> None:
    icon = REVIEWED if claim.reviewed else PENDING
    with st.expander(f"{badge(claim.shown)} {plain(claim.text)}", expanded=False, icon=icon):
        lines = []
        if claim.suggested:
            lines.append(f"suggested {badge(claim.suggested)} ({claim.confidence or 0:.2f})")
        else:
            lines.append("not matched yet")
        if claim.label:
            lines.append(f"reviewed {badge(claim.label)} by {plain(claim.reviewer or '')}")
        lines.append(
            f"chars {claim.start}–{claim.end} · check-worthiness {claim.checkworthiness:.2f}"
        )
        st.markdown(" · ".join(lines))
        if claim.reason:
            st.caption(plain(claim.reason))
        for item in claim.evidence:
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
        st.info("No article yet: add one on the 'Check an article' page.")
        return
    titles = {a.id: f"{a.title} (#{a.id})" for a in found}
    ids = list(titles)
    default = st.session_state.get("article_id", ids[0])
    article_id: int = st.selectbox(
        "Article",
        ids,
        index=ids.index(default) if default in ids else 0,
        format_func=lambda key: titles[key],
    )
    with bench.db.session() as session:
        claims = article_claims(session, article_id)
    done = sum(1 for c in claims if c.reviewed)
    st.header(plain(titles[article_id]))
    st.progress(
        done / len(claims) if claims else 0.0, text=f"{done} of {len(claims)} claims reviewed"
    )
    reviewer = state.reviewer()
    if not reviewer:
        st.warning("Enter your name as reviewer in the sidebar to record verdicts.")
    for claim in claims:
        show_claim(bench, claim, reviewer)


main()
