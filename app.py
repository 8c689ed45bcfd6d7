"""Streamlit review app: read each claim's evidence and record a verdict.

A thin page over the ``verifier`` package: it collects input, calls the core, and renders.
On first start with an empty data folder it loads the sample corpus.

Run: ``streamlit run app.py`` (settings from VERIFIER_HOME / VERIFIER_DB_URL).
"""

from __future__ import annotations

import streamlit as st

from verifier.articles import add_article
from verifier.config import Settings
from verifier.db.models import VERDICT_LABELS
from verifier.errors import VerifierError
from verifier.match import match_claims
from verifier.review import article_claims, articles, history, record_review
from verifier.sample import is_empty, load_sample
from verifier.workbench import Workbench

BADGE = {"supported": "🟢", "disputed": "🔴", "unverified": "⚪"}


@st.cache_resource(show_spinner="Opening the workbench...")
def open_bench(home: str, db_url: str | None) -> Workbench:
    bench = Workbench.open(Settings.from_env(home=home, db_url=db_url))
    if is_empty(bench):
        load_sample(bench)
    return bench


def check_article_form(bench: Workbench) -> None:
    with st.sidebar.form("new-article", clear_on_submit=True):
        st.write("**Check an article**")
        title = st.text_input("Title")
        text = st.text_area("Article text", height=150)
        if st.form_submit_button("Extract and match claims"):
            try:
                article = add_article(bench, text, title=title or None)
                match_claims(bench, [claim.id for claim in article.claims])
            except VerifierError as error:
                st.error(str(error))
            else:
                st.session_state["article_id"] = article.id
                st.success(f"{len(article.claims)} claims extracted")


def review_form(bench: Workbench, claim, reviewer: str) -> None:  # type: ignore[no-untyped-def]
    verdict = claim.verdict
    current = verdict.label if verdict and verdict.label else (verdict.suggested if verdict else "unverified")
    options = {
        f"#{m.rank} {m.passage.document.title} ({m.score:.2f})": m.passage_id for m in claim.matches
    }
    chosen = [k for k, pid in options.items() if verdict and pid in (verdict.evidence or [])]
    with st.form(f"review-{claim.id}"):
        label = st.radio(
            "Verdict", VERDICT_LABELS, index=VERDICT_LABELS.index(current), horizontal=True,
            key=f"label-{claim.id}",
        )
        note = st.text_area("Note", value=(verdict.note if verdict else None) or "", key=f"note-{claim.id}")
        relied = st.multiselect("Evidence relied on", list(options), default=chosen, key=f"ev-{claim.id}")
        if st.form_submit_button("Save verdict"):
            try:
                record_review(bench, claim.id, reviewer, label, note, [options[k] for k in relied])
            except VerifierError as error:
                st.error(str(error))
            else:
                st.success(f"Saved: {label}")
                st.rerun()


def show_claim(bench: Workbench, claim, reviewer: str) -> None:  # type: ignore[no-untyped-def]
    verdict = claim.verdict
    reviewed = verdict.label if verdict and verdict.label else None
    suggested = f"{BADGE[verdict.suggested]} suggested {verdict.suggested} ({verdict.confidence:.2f})" if verdict else "not matched"
    status = f" · reviewed: **{reviewed}** by {verdict.reviewer}" if reviewed else ""
    shown = reviewed or (verdict.suggested if verdict else "unverified")
    with st.expander(f"{BADGE[shown]} {claim.text}", expanded=False):
        st.markdown(f"{suggested}{status}  \nchars {claim.start}–{claim.end} · check-worthiness {claim.checkworthiness:.2f}")
        if verdict and verdict.reason:
            st.caption(verdict.reason)
        for m in claim.matches:
            doc = m.passage.document
            source = " · ".join(x for x in (doc.outlet, doc.published.isoformat() if doc.published else None) if x)
            link = doc.url or doc.uri
            st.markdown(f"**#{m.rank} · {m.score:.2f} · {doc.title}** — {source}  \n<{link}>" if doc.url else f"**#{m.rank} · {m.score:.2f} · {doc.title}** — {source}  \n`{link}`")
            st.text(m.passage.text)
        review_form(bench, claim, reviewer)
        changes = history(bench, claim.id)
        if changes:
            st.write("History")
            st.table(
                [
                    {
                        "when (UTC)": c.changed_at.strftime("%Y-%m-%d %H:%M:%S"),
                        "who": c.changed_by,
                        "from": c.from_label or "—",
                        "to": c.to_label,
                        "note": c.note or "",
                    }
                    for c in changes
                ]
            )


def main() -> None:
    st.set_page_config(page_title="verifier", layout="wide")
    settings = Settings.from_env()
    try:
        bench = open_bench(str(settings.home), settings.db_url)
    except VerifierError as error:
        st.error(str(error))
        st.stop()
    st.sidebar.title("verifier")
    reviewer = st.sidebar.text_input("Reviewer", key="reviewer", placeholder="your name")
    stats = bench.stats()
    st.sidebar.caption(f"{stats['passages']} passages indexed · {stats['model']}")
    check_article_form(bench)

    found = articles(bench)
    if not found:
        st.info("No article yet: paste one in the sidebar.")
        return
    titles = {a.id: f"{a.title} (#{a.id})" for a in found}
    ids = list(titles)
    default = st.session_state.get("article_id", ids[0])
    article_id = st.selectbox(
        "Article", ids, index=ids.index(default) if default in ids else 0, format_func=titles.get
    )
    claims = article_claims(bench, article_id)
    done = sum(1 for c in claims if c.verdict and c.verdict.label)
    st.header(titles[article_id])
    st.progress(done / len(claims) if claims else 0.0, text=f"{done} of {len(claims)} claims reviewed")
    if not reviewer:
        st.warning("Enter your name as reviewer in the sidebar to record verdicts.")
    for claim in claims:
        show_claim(bench, claim, reviewer)


main()
